#include "migrations/steps.hpp"

#include "migrations/sqlite_rebuild.hpp"

namespace starling::db::migrations {
namespace {

std::string describe(const Step& step) {
  const auto& revision = *step.revision;
  std::string parents;
  for (const auto& parent : revision.parents) parents += (parents.empty() ? "" : ", ") + parent;
  if (parents.empty()) parents = "base";
  return step.up ? "upgrade " + parents + " -> " + revision.id + ", " + revision.message
                 : "downgrade " + revision.id + " -> " + parents + ", " + revision.message;
}

std::string where_it_stays(const Migrations& migrations, const Applied& applied) {
  std::string heads;
  for (const auto& head : heads_of(migrations, applied)) heads += (heads.empty() ? "" : ", ") + head;
  return heads.empty() ? "base" : heads;
}

// SQLite enforces foreign keys mid-transaction and cannot switch them off
// inside one; a table rebuild drops a table others refer to, so enforcement is
// off for the revision and its keys are checked before the commit instead.
void before_begin(Runner& runner) {
  if (runner.dialect() == Dialect::sqlite) runner.run("PRAGMA foreign_keys = OFF");
}

void after_end(Runner& runner) {
  if (runner.dialect() == Dialect::sqlite) runner.run("PRAGMA foreign_keys = ON");
}

void begin(Runner& runner) {
  before_begin(runner);
  runner.run(runner.dialect() == Dialect::sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
}

void roll_back(Runner& runner) noexcept {
  try {
    runner.run("ROLLBACK");
    after_end(runner);
  } catch (...) {  // the connection is gone; the database rolls back by itself
  }
}

void apply(Runner& runner, const Step& step) {
  auto op = runner.operations();
  const auto& revision = *step.revision;
  const auto& direction = step.up ? revision.upgrade : revision.downgrade;
  // Reverting a revision whose changes stay would leave the version table lying
  // about the schema; only a merge (which changes nothing) may go without one.
  if (!direction && !step.up && revision.parents.size() < 2)
    throw MigrationError("it has no downgrade, so it cannot be reverted");
  if (direction) direction(op);
}

// One revision inside its transaction; SQLite's foreign keys, unenforced
// meanwhile, may break nowhere the revision did not already find them broken.
void run_step(Runner& runner, VersionTable& versions, const Step& step, const Applied& now_applied,
              const std::function<void()>& announce) {
  announce();
  const bool sqlite = runner.dialect() == Dialect::sqlite;
  const auto broken_before = sqlite ? sqlite_broken_foreign_keys(runner) : BrokenForeignKeys{};
  apply(runner, step);
  versions.record(now_applied);
  if (sqlite) check_no_new_broken_foreign_keys(runner, broken_before);
  runner.run("COMMIT");
}

Applied after(const Step& step, Applied applied) {
  if (step.up) {
    applied.insert(step.revision->id);
  } else {
    applied.erase(step.revision->id);
  }
  return applied;
}

}  // namespace

void run_steps(Runner& runner, const Migrations& migrations, const MigrationOptions& options, const Planner& plan,
               const std::optional<Applied>& offline_start) {
  const bool offline = offline_start.has_value();
  VersionTable versions(runner, migrations, options.version_table);
  Applied tracked = offline_start.value_or(Applied{});
  for (;;) {
    if (!offline) begin(runner);
    Applied applied;
    std::optional<Step> step;
    try {
      applied = offline ? tracked : versions.applied();
      step = plan(applied);
    } catch (...) {
      if (!offline) roll_back(runner);
      throw;
    }
    if (!step) {
      if (!offline) roll_back(runner);
      return;
    }
    const auto description = describe(*step);
    if (offline) {
      runner.note(description);
      begin(runner);
    }
    const auto now_applied = after(*step, applied);
    try {
      run_step(runner, versions, *step, now_applied, [&] {
        if (options.on_step) options.on_step(description);
      });
    } catch (const std::exception& error) {
      if (!offline) roll_back(runner);
      throw MigrationError("revision \"" + step->revision->id + "\" (" + step->revision->message + ") failed on " +
                           (step->up ? "upgrade" : "downgrade") + ": " + error.what() + "; the database stays at " +
                           where_it_stays(migrations, applied));
    } catch (...) {
      if (!offline) roll_back(runner);
      throw;
    }
    tracked = now_applied;
    after_end(runner);
  }
}

void record_only(Runner& runner, const Migrations& migrations, const MigrationOptions& options,
                 const Applied& applied) {
  VersionTable versions(runner, migrations, options.version_table);
  runner.run(runner.dialect() == Dialect::sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
  try {
    versions.record(applied);
    runner.run("COMMIT");
  } catch (...) {
    roll_back(runner);
    throw;
  }
}

}  // namespace starling::db::migrations

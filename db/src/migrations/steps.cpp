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
  const auto& direction = step.up ? step.revision->upgrade : step.revision->downgrade;
  if (direction) direction(op);
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
               std::optional<Applied> offline_start) {
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
    if (options.on_step) options.on_step(description);
    try {
      apply(runner, *step);
      tracked = after(*step, applied);
      versions.record(tracked);
      if (runner.dialect() == Dialect::sqlite) check_sqlite_foreign_keys(runner);
      runner.run("COMMIT");
      after_end(runner);
    } catch (const std::exception& error) {
      if (!offline) roll_back(runner);
      throw MigrationError("revision \"" + step->revision->id + "\" (" + step->revision->message + ") failed on " +
                           (step->up ? "upgrade" : "downgrade") + ": " + error.what() +
                           "; the database stays at " + where_it_stays(migrations, applied));
    }
  }
}

}  // namespace starling::db::migrations

// The migration commands: each opens its own connection, holds the migration
// lock (PostgreSQL) for its whole run, and moves the database one revision per
// transaction toward its target.
#include <starling/db/ddl.hpp>
#include <starling/db/migrations.hpp>

#include "migrations/steps.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>

namespace starling::db {
namespace {

using migrations::Applied;
using migrations::Runner;
using migrations::Step;

// One migration connection. On PostgreSQL a session advisory lock keyed by
// the version table makes a second process wait for the first (SQLite's
// BEGIN IMMEDIATE does that per revision, with a busy timeout long enough to
// wait out one).
class Session {
 public:
  /// `writes`: the command changes the database, so the version table is made if missing.
  Session(const DatabaseURL& url, const MigrationOptions& options, bool writes)
      : connection_(open(url)),
        runner_(connection_.get(), url.dialect(), nullptr),
        lock_key_({Value(options.version_table)}) {
    if (url.dialect() == Dialect::sqlite) {
      connection_->execute("PRAGMA busy_timeout = 600000", {});
    } else {
      connection_->execute("SELECT pg_advisory_lock(hashtext($1))", lock_key_);
    }
    if (writes) migrations::create_version_table(runner_, options.version_table);
  }
  ~Session() {
    if (runner_.dialect() != Dialect::postgresql) return;
    try {
      connection_->execute("SELECT pg_advisory_unlock(hashtext($1))", lock_key_);
    } catch (...) {  // closing the connection releases it as well
    }
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  Runner& runner() { return runner_; }

 private:
  // Each command opens a connection of its own, and a :memory: database is
  // new with every connection: what a command did would be gone at once.
  static std::unique_ptr<backend::Connection> open(const DatabaseURL& url) {
    if (url.is_memory())
      throw MigrationError(
          "a SQLite :memory: database lives only as long as its connection, so it cannot be "
          "migrated by URL: use a file (sqlite:///app.db)");
    return backend::open_connection(url);
  }

  std::unique_ptr<backend::Connection> connection_;
  Runner runner_;
  std::vector<Value> lock_key_;
};

std::optional<int> relative(std::string_view target, char sign) {
  if (target.size() < 2 || target.front() != sign) return std::nullopt;
  int count = 0;
  const auto [end, error] = std::from_chars(target.data() + 1, target.data() + target.size(), count);
  if (error != std::errc() || end != target.data() + target.size() || count <= 0)
    throw MigrationError("\"" + std::string(target) + "\" is not a revision: say " + sign +
                         "N with N a whole number > 0");
  return count;
}

std::string joined(const std::vector<std::string>& ids) {
  std::string text;
  for (const auto& id : ids) text += (text.empty() ? "\"" : ", \"") + id + "\"";
  return text;
}

std::vector<std::string> the_head(const Migrations& migrations) {
  auto heads = migrations.heads();
  if (heads.size() > 1)
    throw MigrationError("the revisions have several heads (" + joined(heads) +
                         "): merge them with `db revision --merge -m MESSAGE`, or name one, or say \"heads\"");
  return heads;
}

Applied closure(const Migrations& migrations, const std::vector<std::string>& targets) {
  Applied needed;
  for (const auto& target : targets)
    for (auto& id : migrations.ancestry(target)) needed.insert(std::move(id));
  return needed;
}

// The revisions of `wanted` not yet applied, parents first.
std::vector<const Revision*> missing(const Migrations& migrations, const Applied& wanted, const Applied& applied) {
  std::vector<const Revision*> result;
  for (const auto* revision : migrations.ordered())
    if (wanted.contains(revision->id) && !applied.contains(revision->id)) result.push_back(revision);
  return result;
}

std::vector<std::string> upgrade_targets(const Migrations& migrations, std::string_view target,
                                         const Applied& applied) {
  if (target == "head") return the_head(migrations);
  if (target == "heads") return migrations.heads();
  if (const auto count = relative(target, '+')) {
    const auto pending = missing(migrations, closure(migrations, migrations.heads()), applied);
    if (pending.size() < static_cast<std::size_t>(*count))
      throw MigrationError("cannot upgrade " + std::string(target) + ": only " + std::to_string(pending.size()) +
                           " revision(s) are not applied");
    std::vector<std::string> ids;
    for (int i = 0; i < *count; ++i) ids.push_back(pending[static_cast<std::size_t>(i)]->id);
    return ids;
  }
  return {migrations.get(target).id};
}

migrations::Planner upgrade_planner(const Migrations& migrations, const std::vector<std::string>& targets) {
  return [&migrations, wanted = closure(migrations, targets)](const Applied& applied) -> std::optional<Step> {
    const auto pending = missing(migrations, wanted, applied);
    if (pending.empty()) return std::nullopt;
    return Step{pending.front(), true};
  };
}

// What stays applied after the downgrade.
Applied downgrade_keeps(const Migrations& migrations, std::string_view target, const Applied& applied) {
  if (target == "base") return {};
  if (const auto count = relative(target, '-')) {
    auto in_order = missing(migrations, applied, {});
    if (in_order.size() < static_cast<std::size_t>(*count))
      throw MigrationError("cannot downgrade " + std::string(target) + ": only " + std::to_string(in_order.size()) +
                           " revision(s) are applied");
    Applied keep = applied;
    for (int i = 0; i < *count; ++i) keep.erase(in_order[in_order.size() - 1 - static_cast<std::size_t>(i)]->id);
    return keep;
  }
  const auto& revision = migrations.get(target);
  if (!applied.contains(revision.id))
    throw MigrationError("cannot downgrade to \"" + revision.id + "\": it is not applied");
  // What comes after the target goes; another branch or root applied beside it stays.
  Applied keep;
  for (const auto& id : applied) {
    const auto line = migrations.ancestry(id);
    if (id == revision.id || std::find(line.begin(), line.end(), revision.id) == line.end()) keep.insert(id);
  }
  return keep;
}

migrations::Planner downgrade_planner(const Migrations& migrations, Applied keep) {
  return [&migrations, keep = std::move(keep)](const Applied& applied) -> std::optional<Step> {
    const auto& ordered = migrations.ordered();
    for (auto it = ordered.rbegin(); it != ordered.rend(); ++it)
      if (applied.contains((*it)->id) && !keep.contains((*it)->id)) return Step{*it, false};
    return std::nullopt;
  };
}

Applied applied_now(Runner& runner, const Migrations& migrations, const MigrationOptions& options) {
  return migrations::VersionTable(runner, migrations, options.version_table).applied();
}

}  // namespace

void upgrade(const DatabaseURL& url, const Migrations& migrations, std::string_view target,
             const MigrationOptions& options) {
  Session session(url, options, true);
  const auto targets = upgrade_targets(migrations, target, applied_now(session.runner(), migrations, options));
  migrations::run_steps(session.runner(), migrations, options, upgrade_planner(migrations, targets));
}

void downgrade(const DatabaseURL& url, const Migrations& migrations, std::string_view target,
               const MigrationOptions& options) {
  Session session(url, options, true);
  auto keep = downgrade_keeps(migrations, target, applied_now(session.runner(), migrations, options));
  migrations::run_steps(session.runner(), migrations, options, downgrade_planner(migrations, std::move(keep)));
}

void stamp(const DatabaseURL& url, const Migrations& migrations, std::string_view target,
           const MigrationOptions& options) {
  Applied stamped;
  if (target != "base") {
    const auto targets = target == "heads"  ? migrations.heads()
                         : target == "head" ? the_head(migrations)
                                            : std::vector<std::string>{migrations.get(target).id};
    stamped = closure(migrations, targets);
  }
  Session session(url, options, true);
  migrations::record_only(session.runner(), migrations, options, stamped);
}

std::vector<std::string> current(const DatabaseURL& url, const Migrations& migrations,
                                 const MigrationOptions& options) {
  // Asking must not create the file: a typo in DATABASE_URL would leave an empty database behind.
  if (url.dialect() == Dialect::sqlite && !url.is_memory() && !std::filesystem::exists(url.database())) return {};
  Session session(url, options, false);
  return migrations::VersionTable(session.runner(), migrations, options.version_table).heads();
}

bool is_at_head(const DatabaseURL& url, const Migrations& migrations, const MigrationOptions& options) {
  auto recorded = current(url, migrations, options);
  auto heads = migrations.heads();
  std::sort(recorded.begin(), recorded.end());
  std::sort(heads.begin(), heads.end());
  return recorded == heads;
}

std::string upgrade_sql(Dialect dialect, const Migrations& migrations, std::string_view target,
                        const MigrationOptions& options) {
  // SQLite's rebuilds read the table they copy: a scratch memory database,
  // migrated alongside, answers them.
  std::unique_ptr<backend::Connection> scratch;
  if (dialect == Dialect::sqlite) scratch = backend::open_connection(DatabaseURL("sqlite:///:memory:"));
  std::string transcript;
  Runner runner(scratch.get(), dialect, &transcript);
  migrations::create_version_table(runner, options.version_table);
  const auto targets = upgrade_targets(migrations, target, {});
  migrations::run_steps(runner, migrations, options, upgrade_planner(migrations, targets), Applied{});
  return transcript;
}

}  // namespace starling::db

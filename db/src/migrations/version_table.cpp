#include <starling/db/ddl.hpp>

#include "migrations/steps.hpp"

namespace starling::db::migrations {

std::vector<std::string> heads_of(const Migrations& migrations, const Applied& applied) {
  Applied parents;
  for (const auto& id : applied) {
    const auto& revision_parents = migrations.get(id).parents;
    parents.insert(revision_parents.begin(), revision_parents.end());
  }
  std::vector<std::string> heads;
  for (const auto* revision : migrations.ordered())
    if (applied.contains(revision->id) && !parents.contains(revision->id)) heads.push_back(revision->id);
  return heads;
}

void create_version_table(Runner& runner, const std::string& name) {
  runner.run("CREATE TABLE IF NOT EXISTS " + quote_identifier(name) +
             " (version_num VARCHAR(255) NOT NULL PRIMARY KEY)");
}

namespace {

bool table_exists(Runner& runner, const std::string& name) {
  const auto sql = runner.dialect() == Dialect::sqlite
                       ? "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
                       : "SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = $1";
  return !runner.read(sql, {Value(name)}).rows.empty();
}

}  // namespace

std::vector<std::string> VersionTable::heads() {
  // Offline there is no table to ask, and nothing is applied.
  if (!table_exists(runner_, name_)) return {};
  const auto result = runner_.read("SELECT version_num FROM " + quote_identifier(name_) + " ORDER BY version_num");
  std::vector<std::string> heads;
  for (const auto& row : result.rows) {
    auto id = row[0].as<std::string>();
    if (!migrations_.contains(id))
      throw MigrationError("the database is at revision \"" + id +
                           "\", which this app does not know (is the app older than the database? `db stamp` "
                           "rewrites the version table)");
    heads.push_back(std::move(id));
  }
  return heads;
}

Applied VersionTable::applied() {
  Applied applied;
  for (const auto& head : heads())
    for (auto& id : migrations_.ancestry(head)) applied.insert(std::move(id));
  return applied;
}

void VersionTable::record(const Applied& applied) {
  runner_.run("DELETE FROM " + quote_identifier(name_));
  const auto placeholder = runner_.dialect() == Dialect::sqlite ? "?" : "$1";
  for (const auto& head : heads_of(migrations_, applied))
    runner_.run("INSERT INTO " + quote_identifier(name_) + " (version_num) VALUES (" + placeholder + ")",
                {Value(head)});
}

}  // namespace starling::db::migrations

#include "migrations/sqlite_rebuild.hpp"

#include <starling/db/ddl.hpp>

#include "migrations/table_sql.hpp"

#include <algorithm>
#include <cctype>

namespace starling::db::migrations {
namespace {

// Rows copied column by column; SQLite's type affinity converts what it can
// without loss and keeps the rest as it was (a CAST would turn 'abc' into 0).
void copy_rows(Runner& runner, const TableSchema& before, const TableSchema& after, const std::string& into,
               const std::map<std::string, std::string>& sources) {
  std::vector<std::string> targets;
  std::vector<std::string> origins;
  for (const auto& column : after.columns) {
    const auto source = sources.find(column.name);
    const auto& origin = source != sources.end() ? source->second : column.name;
    if (!before.column(origin)) continue;  // a new column: its DEFAULT fills it
    targets.push_back(column.name);
    origins.push_back(origin);
  }
  if (targets.empty()) return;
  runner.run("INSERT INTO " + quote_identifier(into) + " (" + column_list(targets) + ") SELECT " +
             column_list(origins) + " FROM " + quote_identifier(before.name));
}

// What reflection cannot carry over: the table's own text and its indexes' text.
struct Original {
  std::string table_sql;
  std::map<std::string, std::string> index_sql;  // by name; a partial or expression index as written
};

Original original_of(Runner& runner, const std::string& table) {
  Original original;
  const auto tables = runner.read("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", {Value(table)});
  if (!tables.rows.empty()) original.table_sql = tables.rows.front()[0].as<std::string>();
  const auto indexes = runner.read(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", {Value(table)});
  for (const auto& row : indexes.rows) original.index_sql[row[0].as<std::string>()] = row[1].as<std::string>();
  return original;
}

std::string upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// A rebuild writes the table anew from what reflection knows; refused where
// that would quietly drop part of it.
void check_rebuildable(Runner& runner, const std::string& table, const Original& original) {
  const auto sql = upper(original.table_sql);
  const auto end = sql.find_last_of(')');
  const auto options = end == std::string::npos ? std::string() : sql.substr(end);
  std::string problem;
  if (options.find("WITHOUT ROWID") != std::string::npos) problem = "it is WITHOUT ROWID";
  if (options.find("STRICT") != std::string::npos) problem = "it is STRICT";
  for (const auto& row : runner.read("SELECT hidden FROM pragma_table_xinfo(?)", {Value(table)}).rows)
    if (row[0].as<std::int64_t>() != 0) problem = "it has generated columns";
  if (!problem.empty())
    throw MigrationError("SQLite cannot make this change to table \"" + table +
                         "\" in place, and rebuilding it would " + "lose part of it: " + problem +
                         ". Make the change with op.execute");
}

// Indexes the change leaves as they were are made from their own text (a
// WHERE, a COLLATE, an expression kept); changed or new ones from the schema.
void recreate_indexes(Runner& runner, const TableSchema& before, const TableSchema& after, const Original& original) {
  for (const auto& index : after.indexes) {
    const auto was = std::find_if(before.indexes.begin(), before.indexes.end(),
                                  [&](const IndexSchema& old) { return old.name == index.name; });
    const auto text = original.index_sql.find(index.name);
    const bool unchanged = was != before.indexes.end() && *was == index && text != original.index_sql.end();
    runner.run(unchanged ? text->second : create_index_sql(index, after.name));
  }
  for (const auto& entry : original.index_sql) {  // expression indexes, which reflection leaves out
    const auto known = [&](const IndexSchema& index) { return index.name == entry.first; };
    if (std::none_of(before.indexes.begin(), before.indexes.end(), known)) runner.run(entry.second);
  }
}

std::optional<Value> sequence_of(Runner& runner, const std::string& table) {
  const auto has_sequences = runner.read("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'");
  if (has_sequences.rows.empty()) return std::nullopt;
  const auto result = runner.read("SELECT seq FROM sqlite_sequence WHERE name = ?", {Value(table)});
  if (result.rows.empty()) return std::nullopt;
  return result.rows.front()[0];
}

}  // namespace

BrokenForeignKeys sqlite_broken_foreign_keys(Runner& runner) {
  BrokenForeignKeys broken;
  for (const auto& row : runner.read("PRAGMA foreign_key_check").rows)
    ++broken[{row[0].as<std::string>(), row[2].as<std::string>()}];
  return broken;
}

void check_no_new_broken_foreign_keys(Runner& runner, const BrokenForeignKeys& before) {
  for (const auto& [tables, count] : sqlite_broken_foreign_keys(runner)) {
    const auto was = before.find(tables);
    if (was != before.end() && was->second >= count) continue;
    throw ForeignKeyViolation("a row of \"" + tables.first + "\" has a foreign key to \"" + tables.second +
                              "\" with no match");
  }
}

void rebuild_table(Runner& runner, const TableSchema& before, const TableSchema& after,
                   const std::map<std::string, std::string>& sources) {
  const std::string scratch = "_starling_rebuild_" + after.name;
  const auto original = original_of(runner, before.name);
  check_rebuildable(runner, before.name, original);
  runner.run(create_table_sql(after, scratch, upper(original.table_sql).find("AUTOINCREMENT") != std::string::npos));
  copy_rows(runner, before, after, scratch, sources);
  // AUTOINCREMENT's counter would restart at the highest copied id; ids of
  // deleted rows past it must stay unused.
  const auto sequence = sequence_of(runner, before.name);
  runner.run("DROP TABLE " + quote_identifier(before.name));
  // The legacy rename does not rewrite views and triggers, which would fail
  // while they name a table that has just been dropped.
  runner.run("PRAGMA legacy_alter_table = ON");
  runner.run("ALTER TABLE " + quote_identifier(scratch) + " RENAME TO " + quote_identifier(after.name));
  runner.run("PRAGMA legacy_alter_table = OFF");
  if (sequence)
    runner.run("UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?", {*sequence, Value(after.name)});
  recreate_indexes(runner, before, after, original);
}

}  // namespace starling::db::migrations

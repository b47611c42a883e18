#include "migrations/sqlite_rebuild.hpp"

#include <starling/db/ddl.hpp>

#include "migrations/table_sql.hpp"

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

std::optional<Value> sequence_of(Runner& runner, const std::string& table) {
  const auto has_sequences = runner.read("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'");
  if (has_sequences.rows.empty()) return std::nullopt;
  const auto result = runner.read("SELECT seq FROM sqlite_sequence WHERE name = ?", {Value(table)});
  if (result.rows.empty()) return std::nullopt;
  return result.rows.front()[0];
}

}  // namespace

void check_sqlite_foreign_keys(Runner& runner) {
  const auto broken = runner.read("PRAGMA foreign_key_check");
  if (broken.rows.empty()) return;
  const auto& row = broken.rows.front();
  throw ForeignKeyViolation("a row of \"" + row[0].as<std::string>() + "\" has a foreign key to \"" +
                            row[2].as<std::string>() + "\" with no match");
}

void rebuild_table(Runner& runner, const TableSchema& before, const TableSchema& after,
                   const std::map<std::string, std::string>& sources) {
  const std::string scratch = "_starling_rebuild_" + after.name;
  runner.run(create_table_sql(after, scratch));
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
  for (const auto& index : after.indexes) runner.run(create_index_sql(index, after.name));
}

}  // namespace starling::db::migrations

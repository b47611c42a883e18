#include "migrations/operations_sqlite.hpp"

#include <starling/db/ddl.hpp>

#include "migrations/reflect_connection.hpp"
#include "migrations/sqlite_rebuild.hpp"

#include <algorithm>
#include <map>

namespace starling::db::migrations {
namespace {

bool uses(const std::vector<std::string>& columns, std::string_view column) {
  return std::find(columns.begin(), columns.end(), column) != columns.end();
}

ColumnSchema& column_in(TableSchema& table, std::string_view column) {
  if (auto* found = table.column(column)) return *found;
  throw MigrationError("table \"" + table.name + "\" has no column \"" + std::string(column) + "\"");
}

void rename_in(std::vector<std::string>& columns, std::string_view from, const std::string& to) {
  std::replace(columns.begin(), columns.end(), std::string(from), to);
}

void rename_everywhere(TableSchema& table, std::string_view from, const std::string& to) {
  column_in(table, from).name = to;
  rename_in(table.primary_key, from, to);
  for (auto& index : table.indexes) rename_in(index.columns, from, to);
  for (auto& unique : table.unique_constraints) rename_in(unique.columns, from, to);
  for (auto& key : table.foreign_keys) rename_in(key.columns, from, to);
}

void apply_changes(ColumnSchema& column, const ColumnChanges& changes) {
  if (changes.type) {
    column.type = *changes.type;
    column.sql_type = sql_type(*changes.type, Dialect::sqlite);
  }
  if (changes.nullable) column.nullable = *changes.nullable;
  if (changes.drop_server_default) column.default_sql.reset();
  if (changes.server_default) column.default_sql = sql_literal(*changes.server_default, Dialect::sqlite);
  if (changes.server_default_sql) column.default_sql = *changes.server_default_sql;
}

bool only_renames(const ColumnChanges& changes) {
  return changes.new_name && !changes.type && !changes.nullable && !changes.server_default &&
         !changes.server_default_sql && !changes.drop_server_default;
}

}  // namespace

bool sqlite_can_add(const Column& column) {
  if (column.unique() || column.default_sql()) return false;
  return column.nullable() || (column.default_value() && !column.default_value()->is_null());
}

void sqlite_add_column(Runner& runner, std::string_view table, const Column& column) {
  const auto before = runner.table(table);
  if (before.column(column.name()))
    throw MigrationError("table \"" + before.name + "\" already has a column \"" + column.name() + "\"");
  auto after = before;
  after.columns.push_back(declared_column(column, false, Dialect::sqlite));  // never a key: add_column refuses those
  if (column.unique() && !column.index()) after.unique_constraints.push_back({"", {column.name()}});
  if (const auto& key = column.foreign_key())
    after.foreign_keys.push_back(
        {"", {column.name()}, key->table(), {key->column()}, key->on_delete(), key->on_update()});
  rebuild_table(runner, before, after);
}

void sqlite_drop_column(Runner& runner, std::string_view table, std::string_view column) {
  const auto before = runner.table(table);
  auto after = before;
  column_in(after, column);
  if (uses(after.primary_key, column))
    throw MigrationError("drop_column cannot drop \"" + before.name + "\".\"" + std::string(column) +
                         "\": it is part of the primary key");
  std::erase_if(after.columns, [&](const ColumnSchema& c) { return c.name == column; });
  std::erase_if(after.indexes, [&](const IndexSchema& index) { return uses(index.columns, column); });
  std::erase_if(after.unique_constraints, [&](const UniqueSchema& unique) { return uses(unique.columns, column); });
  std::erase_if(after.foreign_keys, [&](const ForeignKeySchema& key) { return uses(key.columns, column); });
  rebuild_table(runner, before, after);
}

void sqlite_alter_column(Runner& runner, std::string_view table, std::string_view column,
                         const ColumnChanges& changes) {
  if (only_renames(changes)) {
    runner.run("ALTER TABLE " + quote_identifier(table) + " RENAME COLUMN " + quote_identifier(column) + " TO " +
               quote_identifier(*changes.new_name));
    return;
  }
  const auto before = runner.table(table);
  auto after = before;
  apply_changes(column_in(after, column), changes);
  std::map<std::string, std::string> sources;
  if (changes.new_name) {
    rename_everywhere(after, column, *changes.new_name);
    sources[*changes.new_name] = std::string(column);
  }
  rebuild_table(runner, before, after, sources);
}

void sqlite_add_foreign_key(Runner& runner, std::string_view table, const ForeignKeySchema& key) {
  const auto before = runner.table(table);
  auto after = before;
  for (const auto& column : key.columns) column_in(after, column);
  after.foreign_keys.push_back(key);
  rebuild_table(runner, before, after);
}

void sqlite_drop_constraint(Runner& runner, std::string_view table, std::string_view name) {
  const auto before = runner.table(table);
  const auto named = [&](const auto& item) { return item.name == name; };
  if (std::any_of(before.indexes.begin(), before.indexes.end(), named)) {
    runner.run("DROP INDEX " + quote_identifier(name));
    return;
  }
  auto after = before;
  const auto removed = std::erase_if(after.unique_constraints, named) + std::erase_if(after.foreign_keys, named);
  if (removed == 0)
    throw MigrationError("table \"" + before.name + "\" has no constraint \"" + std::string(name) + "\"");
  rebuild_table(runner, before, after);
}

}  // namespace starling::db::migrations

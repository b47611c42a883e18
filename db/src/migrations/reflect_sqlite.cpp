// SQLite reflection: the PRAGMA table-valued functions, with the constraint
// names (which no PRAGMA reports) read from the CREATE TABLE text.
#include "migrations/reflect_connection.hpp"
#include "migrations/sqlite_table_parser.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <utility>

namespace starling::db::migrations {
namespace {

std::string text_of(const Value& value) { return value.as<std::optional<std::string>>().value_or(""); }

bool same_columns(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](const auto& x, const auto& y) { return same_identifier(x, y); });
}

// The name of the first not yet used constraint of `kind` over `columns`, "" if none.
std::string take_name(std::vector<NamedConstraint>& named, NamedConstraint::Kind kind,
                      const std::vector<std::string>& columns) {
  for (auto& constraint : named) {
    if (constraint.kind != kind || constraint.name.empty() || !same_columns(constraint.columns, columns)) continue;
    return std::exchange(constraint.name, "");  // emptied: a second constraint cannot take it
  }
  return "";
}

bool without_rowid(const std::string& sql) {
  std::string tail;
  for (auto it = sql.rbegin(); it != sql.rend() && tail.size() < 13; ++it)
    if (!std::isspace(static_cast<unsigned char>(*it)) && *it != ';')
      tail.insert(tail.begin(), static_cast<char>(std::toupper(static_cast<unsigned char>(*it))));
  return tail == "WITHOUTROWID";
}

void read_columns(backend::Connection& connection, TableSchema& table, bool has_rowid) {
  const auto result = connection.execute(
      "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid", {Value(table.name)});
  std::vector<std::pair<std::int64_t, std::string>> key;
  for (const auto& row : result.rows) {
    ColumnSchema column;
    column.name = text_of(row[0]);
    column.sql_type = text_of(row[1]);
    column.type = type_from_sql(column.sql_type, Dialect::sqlite);
    column.nullable = !row[2].as<bool>();
    column.default_sql = row[3].as<std::optional<std::string>>();
    if (const auto position = row[4].as<std::int64_t>(); position > 0) key.emplace_back(position, column.name);
    table.columns.push_back(std::move(column));
  }
  std::sort(key.begin(), key.end());
  for (auto& [position, name] : key) table.primary_key.push_back(std::move(name));
  // The one INTEGER PRIMARY KEY column is the rowid: the database assigns it
  // (AUTOINCREMENT only keeps ids from being reused) and it is never NULL.
  if (has_rowid && table.primary_key.size() == 1) {
    auto* column = table.column(table.primary_key.front());
    std::string type;
    for (const char c : column->sql_type) type += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (type == "INTEGER") {
      column->autoincrement = true;
      column->nullable = false;
    }
  }
}

// Enum CHECKs are kept in the column's type; any other CHECK is not modelled.
void read_enum_checks(const std::string& sql, TableSchema& table) {
  for (auto& check : enum_checks(sql)) {
    for (auto& column : table.columns) {
      // As on PostgreSQL, where only a VARCHAR's CHECK has an enum's shape.
      if (!same_identifier(column.name, check.column) || column.type.kind != TypeKind::string) continue;
      column.type.kind = TypeKind::enum_;
      column.type.choices = std::move(check.choices);
      break;
    }
  }
}

std::vector<std::string> index_columns(backend::Connection& connection, const std::string& index, bool& expression) {
  const auto result = connection.execute("SELECT name FROM pragma_index_info(?) ORDER BY seqno", {Value(index)});
  std::vector<std::string> columns;
  for (const auto& row : result.rows) {
    if (row[0].is_null()) expression = true;  // an expression: no column to name
    columns.push_back(text_of(row[0]));
  }
  return columns;
}

void read_indexes(backend::Connection& connection, TableSchema& table, std::vector<NamedConstraint>& named) {
  const auto result =
      connection.execute("SELECT name, \"unique\", origin FROM pragma_index_list(?) ORDER BY seq", {Value(table.name)});
  for (const auto& row : result.rows) {
    const auto name = text_of(row[0]);
    const auto origin = text_of(row[2]);
    if (origin == "pk") continue;  // the primary key's own index
    bool expression = false;
    auto columns = index_columns(connection, name, expression);
    if (expression) continue;  // the schema model has no place for an expression index
    if (origin == "u") {
      table.unique_constraints.push_back(
          {take_name(named, NamedConstraint::Kind::unique, columns), std::move(columns)});
    } else {
      table.indexes.push_back({name, std::move(columns), row[1].as<bool>()});
    }
  }
}

// A foreign key written `REFERENCES t` (no columns) refers to t's primary key.
std::vector<std::string> primary_key_of(backend::Connection& connection, const std::string& table) {
  const auto result =
      connection.execute("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", {Value(table)});
  std::vector<std::string> columns;
  for (const auto& row : result.rows) columns.push_back(text_of(row[0]));
  return columns;
}

void read_foreign_keys(backend::Connection& connection, TableSchema& table, std::vector<NamedConstraint>& named) {
  const auto result = connection.execute(
      "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq",
      {Value(table.name)});
  std::map<std::int64_t, ForeignKeySchema> keys;
  bool implicit_target = false;
  for (const auto& row : result.rows) {
    auto& key = keys[row[0].as<std::int64_t>()];
    key.referred_table = text_of(row[1]);
    key.columns.push_back(text_of(row[2]));
    if (row[3].is_null()) implicit_target = true;
    key.referred_columns.push_back(text_of(row[3]));
    key.on_update = normalize_action(text_of(row[4]));
    key.on_delete = normalize_action(text_of(row[5]));
  }
  for (auto& [id, key] : keys) {
    if (implicit_target && std::all_of(key.referred_columns.begin(), key.referred_columns.end(),
                                       [](const std::string& c) { return c.empty(); }))
      key.referred_columns = primary_key_of(connection, key.referred_table);
    key.name = take_name(named, NamedConstraint::Kind::foreign_key, key.columns);
    table.foreign_keys.push_back(std::move(key));
  }
}

}  // namespace

std::vector<std::string> sqlite_table_names(backend::Connection& connection) {
  const auto result = connection.execute(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'", {});
  std::vector<std::string> names;
  for (const auto& row : result.rows) names.push_back(text_of(row[0]));
  return names;
}

std::optional<TableSchema> reflect_sqlite_table(backend::Connection& connection, std::string_view name) {
  const auto master =
      connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name = ?", {Value(name)});
  if (master.rows.empty()) return std::nullopt;
  TableSchema table;
  table.name = text_of(master.rows.front()[0]);
  const auto sql = text_of(master.rows.front()[1]);
  auto named = named_constraints(sql);
  read_columns(connection, table, !without_rowid(sql));
  read_enum_checks(sql, table);
  read_indexes(connection, table, named);
  read_foreign_keys(connection, table, named);
  return table;
}

}  // namespace starling::db::migrations

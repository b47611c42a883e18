#include "migrations/table_sql.hpp"

#include <starling/db/ddl.hpp>

namespace starling::db::migrations {
namespace {

std::string column_sql(const TableSchema& table, const ColumnSchema& column, bool autoincrement) {
  const bool inline_key = table.primary_key.size() == 1 && table.primary_key.front() == column.name;
  const auto name = quote_identifier(column.name);
  std::string sql = name + " " + column.sql_type;
  if (inline_key) {
    sql += " PRIMARY KEY";
    // Only INTEGER PRIMARY KEY is the rowid; AUTOINCREMENT keeps ids from being reused.
    if (column.autoincrement && autoincrement) sql += " AUTOINCREMENT";
  }
  if (!column.nullable && !(inline_key && column.autoincrement)) sql += " NOT NULL";
  if (column.default_sql) sql += " DEFAULT " + default_expression(*column.default_sql);
  // Starling's booleans and enums are checked as create_statements writes them.
  sql += type_check(column.name, column.type, Dialect::sqlite);
  return sql;
}

std::string references_sql(const ForeignKeySchema& key) {
  std::string sql = "FOREIGN KEY (" + column_list(key.columns) + ") REFERENCES " +
                    quote_identifier(key.referred_table) + " (" + column_list(key.referred_columns) + ")";
  if (!key.on_delete.empty()) sql += " ON DELETE " + key.on_delete;
  if (!key.on_update.empty()) sql += " ON UPDATE " + key.on_update;
  return sql;
}

std::string named(const std::string& name) { return name.empty() ? "" : "CONSTRAINT " + quote_identifier(name) + " "; }

}  // namespace

std::string column_list(const std::vector<std::string>& columns) {
  std::string list;
  for (const auto& column : columns) list += (list.empty() ? "" : ", ") + quote_identifier(column);
  return list;
}

std::string create_table_sql(const TableSchema& table, std::string_view name, bool autoincrement) {
  std::string sql = "CREATE TABLE " + quote_identifier(name) + " (";
  for (std::size_t i = 0; i < table.columns.size(); ++i)
    sql += (i == 0 ? "" : ", ") + column_sql(table, table.columns[i], autoincrement);
  if (table.primary_key.size() > 1) sql += ", PRIMARY KEY (" + column_list(table.primary_key) + ")";
  for (const auto& unique : table.unique_constraints)
    sql += ", " + named(unique.name) + "UNIQUE (" + column_list(unique.columns) + ")";
  for (const auto& key : table.foreign_keys) sql += ", " + named(key.name) + references_sql(key);
  return sql + ")";
}

std::string create_index_sql(const IndexSchema& index, std::string_view table) {
  return std::string("CREATE ") + (index.unique ? "UNIQUE " : "") + "INDEX " + quote_identifier(index.name) + " ON " +
         quote_identifier(table) + " (" + column_list(index.columns) + ")";
}

}  // namespace starling::db::migrations

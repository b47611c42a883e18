#pragma once
// Reflection through one open connection: what db::reflect(url) does, usable
// inside a transaction (a SQLite rebuild learns the table it replaces) and on
// a `:memory:` database, which only that connection can see.

#include <starling/db/reflection.hpp>

#include "backends/backend.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace starling::db::migrations {

/// Every user table the connection sees but `skip_table` (the version table),
/// SQLite's own tables left out, by name order.
/// @throws a db::Error from the database.
SchemaSnapshot reflect(backend::Connection& connection, Dialect dialect,
                       std::string_view skip_table = "starling_version");

/// Table `table` exactly as the database defines it (column order, declared
/// types and DEFAULTs verbatim, keys, indexes, constraints), or none if there
/// is no such table. @throws a db::Error from the database.
std::optional<TableSchema> reflect_table(backend::Connection& connection, Dialect dialect, std::string_view table);

/// The names of the user tables (SQLite's own left out), unsorted.
std::vector<std::string> sqlite_table_names(backend::Connection& connection);
/// reflect_table for SQLite.
std::optional<TableSchema> reflect_sqlite_table(backend::Connection& connection, std::string_view table);
/// The names of the tables of current_schema(), unsorted.
std::vector<std::string> postgres_table_names(backend::Connection& connection);
/// reflect_table for PostgreSQL (current_schema()).
std::optional<TableSchema> reflect_postgres_table(backend::Connection& connection, std::string_view table);

/// The choices of an Enum's CHECK on `column` as PostgreSQL's
/// pg_get_constraintdef() gives it back, or none for any other CHECK.
std::optional<std::vector<std::string>> postgres_enum_choices(std::string_view definition, std::string_view column);

/// The enum CHECKs on one column of a PostgreSQL table: their names.
constexpr const char* kPostgresColumnChecks = R"(
SELECT c.conname::text, a.attname::text, pg_catalog.pg_get_constraintdef(c.oid)
FROM pg_catalog.pg_constraint c
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
WHERE c.conrelid = $1::regclass AND c.contype = 'c' AND cardinality(c.conkey) = 1)";

/// `column` as `dialect` reflects it once create_statements has made it
/// (`inline_key`: its table's only primary key column).
ColumnSchema declared_column(const Column& column, bool inline_key, Dialect dialect);

/// Puts a table's indexes (by name), unique constraints and foreign keys (by
/// columns) in one canonical order, so two descriptions of a table compare equal.
void sort_table_parts(TableSchema& table);

/// "" for NO ACTION (either spelling), the action upper case otherwise.
std::string normalize_action(std::string_view action);

}  // namespace starling::db::migrations

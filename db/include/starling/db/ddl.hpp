#pragma once
/// @file ddl.hpp
/// CREATE/DROP statements for a MetaData, per dialect: what create_all,
/// drop_all and migrations run.
///
///     for (const auto& sql : db::create_statements(metadata, db::Dialect::sqlite)) ...
///
/// Type mapping (SQLite / PostgreSQL):
///   Integer INTEGER / INTEGER        BigInteger BIGINT / BIGINT
///   String(n) VARCHAR(n) / VARCHAR(n) (bare: VARCHAR)      Text TEXT / TEXT
///   Boolean BOOLEAN + CHECK (IN (0, 1)) / BOOLEAN          Float REAL / DOUBLE PRECISION
///   Numeric(p, s) NUMERIC(p, s)      DateTime DATETIME / TIMESTAMP    Date DATE
///   JSON JSON / JSONB                LargeBinary BLOB / BYTEA
/// An autoincrementing primary key is `INTEGER PRIMARY KEY AUTOINCREMENT` on
/// SQLite (the rowid, never reused, as PostgreSQL's sequences) and SERIAL /
/// BIGSERIAL PRIMARY KEY on PostgreSQL.

#include <starling/db/schema.hpp>
#include <starling/db/url.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace starling::db {

/// `name` as a quoted SQL identifier: `we"ird` → `"we""ird"`.
std::string quote_identifier(std::string_view name);

/// `value` as an SQL literal, for DDL DEFAULT clauses (DDL takes no bound
/// parameters): 'text' with '' doubled, numbers, TRUE/FALSE (1/0 on SQLite),
/// NULL, X'0a' / '\x0a' for bytes. Only for the schema author's constants.
/// @throws ProgrammingError for a NaN or infinite number.
std::string sql_literal(const Value& value, Dialect dialect);

/// A DEFAULT expression as DDL writes it: literals, CURRENT_TIMESTAMP and the
/// like, and a parenthesised expression as they are; anything else in
/// parentheses (SQLite takes a function call only so).
std::string default_expression(std::string_view expression);

/// The SQL type of `type` on `dialect` (`VARCHAR(200)`, `DOUBLE PRECISION`, ...).
std::string sql_type(const Type& type, Dialect dialect);

/// The CHECK that `type` puts on `column`, with a leading space, or "": an
/// enum's choices, and 0 or 1 for a boolean on SQLite.
std::string type_check(std::string_view column, const Type& type, Dialect dialect);

/// `"name" TYPE [constraints]` as in CREATE TABLE or ALTER TABLE ADD COLUMN,
/// for a column that, if a primary key, is its table's only one.
/// @throws ProgrammingError for a DEFAULT that cannot be written (see sql_literal).
std::string column_definition(const Column& column, Dialect dialect);

/// `CREATE TABLE IF NOT EXISTS ...` for one table.
/// @throws ProgrammingError as column_definition.
std::string create_table_statement(const Table& table, Dialect dialect);

/// `CREATE [UNIQUE] INDEX IF NOT EXISTS "ix_<table>_<column>" ...` for each indexed column.
std::vector<std::string> create_index_statements(const Table& table, Dialect dialect);

/// Every table of `metadata` and its indexes, each table after the tables it references.
/// @throws ProgrammingError naming a foreign key whose table or column is not
/// in `metadata`, or the tables of a foreign-key cycle.
std::vector<std::string> create_statements(const MetaData& metadata, Dialect dialect);

/// `DROP TABLE IF EXISTS` for every table, in the reverse of the creation order.
/// @throws ProgrammingError naming the tables of a foreign-key cycle.
std::vector<std::string> drop_statements(const MetaData& metadata, Dialect dialect);

}  // namespace starling::db

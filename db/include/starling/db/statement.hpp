#pragma once
/// @file statement.hpp
/// Statement: anything the Database can run. The query builder (select, insert,
/// update, delete_) and db::text(...) all compile, per dialect, to SQL with
/// positional placeholders plus the values to bind. No value is ever spliced
/// into the SQL text.

#include <starling/db/url.hpp>
#include <starling/db/value.hpp>

#include <string>
#include <utility>
#include <vector>

namespace starling::db {

/// Named values: a row to insert, the values of an update, or the parameters
/// of a db::text query. `{{"text", "hello"}, {"completed", false}}`.
using Values = std::vector<std::pair<std::string, Value>>;

/// One statement ready for a backend: SQL in the dialect's placeholder style
/// (`?` for SQLite, `$1` for PostgreSQL) and its parameters, in order.
struct CompiledQuery {
  std::string sql;
  std::vector<Value> params;
  /// Only reads (a SELECT): SQLite may run it beside the writer.
  bool read_only = false;
  /// The SQL ends in `RETURNING <primary key>`: Database::execute answers that value.
  bool returns_id = false;
  /// The SQL has a RETURNING clause: execute() gives its rows.
  bool returning = false;
  /// execute() reports the backend's last inserted row id (SQLite): false
  /// where it could be stale or ambiguous (an upsert, several rows).
  bool reports_lastrowid = true;
};

/// Base of every runnable query.
class Statement {
 public:
  virtual ~Statement() = default;

  /// The SQL and parameters for a dialect. @throws ProgrammingError naming what is wrong.
  virtual CompiledQuery compile(Dialect dialect) const = 0;

  /// For execute_many: one compiled statement per batch. The default compiles
  /// the statement once per element of `rows`, with that element's values bound
  /// (db::text binds them as named parameters; insert() takes them as the row).
  /// An insert overrides this to put many rows in one multi-row statement.
  virtual std::vector<CompiledQuery> compile_many(Dialect dialect, const std::vector<Values>& rows) const;

 protected:
  /// This statement with `values` bound, for compile_many's default.
  /// @throws ProgrammingError if the statement takes no per-row values.
  virtual CompiledQuery compile_with(Dialect dialect, const Values& values) const;
};

}  // namespace starling::db

#pragma once
// A prepared SQLite statement with what reading its rows needs: the column
// names and how to type each column (SQLite has no BOOLEAN, JSON or NUMERIC
// storage, so the declared type decides).

#include <starling/db/row.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <string>
#include <vector>

namespace starling::db::backend {

enum class DeclaredType { other, boolean, json, decimal };

struct SqliteStatement {
  SqliteStatement(SQLite::Database& database, const std::string& sql);

  /// Binds `params` after checking their number. @throws ProgrammingError naming the SQL.
  void bind(const std::vector<Value>& params);
  /// The current row (after a successful executeStep).
  Row row() const;

  SQLite::Statement statement;
  Columns columns;
  std::vector<DeclaredType> types;
};

/// Throws the db::Error for a SQLiteCpp exception; the message names the SQL,
/// never the bound values.
[[noreturn]] void rethrow_translated(const SQLite::Exception& error, const std::string& sql);

}  // namespace starling::db::backend

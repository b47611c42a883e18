#pragma once
// A prepared SQLite statement with what reading its rows needs: the column
// names and how to type each column (SQLite has no BOOLEAN, JSON or NUMERIC
// storage, so the declared type decides).

#include <starling/db/row.hpp>

#include "backends/statement_timing.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <string>
#include <vector>

namespace starling::db::backend {

enum class DeclaredType { other, boolean, json, decimal };

/// How to read a column: its declared type and, for NUMERIC(p, s), the scale
/// its values are written with (-1 for none).
struct DeclaredColumn {
  DeclaredType type = DeclaredType::other;
  int scale = -1;
};

struct SqliteStatement {
  SqliteStatement(SQLite::Database& database, const std::string& sql);

  /// Binds `params` after checking their number. @throws ProgrammingError naming the SQL.
  void bind(const std::vector<Value>& params);
  /// The current row (after a successful executeStep), in the statement's
  /// current shape (see refresh_if_reprepared).
  Row row();
  /// After a step: SQLite prepares a cached statement again by itself once the
  /// schema changed (ALTER TABLE, a table dropped and created again), and its
  /// columns may have changed with it; if so, they are read again.
  void refresh_if_reprepared();
  /// Whether SQLite says the statement changes nothing in the database file.
  bool writes_nothing() const;

  SQLite::Statement statement;
  Columns columns;
  std::vector<DeclaredColumn> types;
  StatementTiming timing;

 private:
  void describe();
  sqlite3_stmt* raw_;   // the statement's own, for what SQLiteCpp does not show
  int reprepares_ = 0;  // SQLITE_STMTSTATUS_REPREPARE when the columns were read
};

/// Throws the db::Error for a SQLiteCpp exception; the message names the SQL,
/// never the bound values.
[[noreturn]] void rethrow_translated(const SQLite::Exception& error, const std::string& sql);

}  // namespace starling::db::backend

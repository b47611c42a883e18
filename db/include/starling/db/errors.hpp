#pragma once
/// @file errors.hpp
/// The database layer's exceptions. Driver exceptions never leave db/: the
/// backends translate them into this tree, the same way on every backend:
///
///     Error
///     ├── ConnectionError ── PoolTimeout
///     ├── IntegrityError ── UniqueViolation, ForeignKeyViolation, NotNullViolation
///     ├── DataError
///     ├── ProgrammingError
///     ├── OperationalError
///     ├── TypeError
///     └── InvalidDatabaseURL

#include <stdexcept>
#include <string>
#include <utility>

namespace starling::db {

/// What the database said about an error, in parts; what it did not say is "".
struct ErrorDetails {
  std::string sql;         ///< the statement (never its bound values)
  std::string sqlstate;    ///< PostgreSQL's SQLSTATE ("23505")
  int result_code = 0;     ///< SQLite's extended result code (2067 = SQLITE_CONSTRAINT_UNIQUE)
  std::string constraint;  ///< the constraint's name (PostgreSQL)
  std::string table;       ///< the table the error is about
  std::string column;      ///< the column the error is about
};

/// Base of every database error. what() is message() and, for the logs, the
/// SQL; code reads the parts (an HTTP answer shows message(), never the SQL).
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : Error(message, {}) {}
  Error(const std::string& message, ErrorDetails details)
      : std::runtime_error(details.sql.empty() ? message : message + " (in SQL: " + details.sql + ")"),
        message_(message),
        details_(std::move(details)) {}

  /// The database's words (or Starling's), without the SQL.
  const std::string& message() const { return message_; }
  /// The statement that failed, "" if none.
  const std::string& sql() const { return details_.sql; }
  /// PostgreSQL's SQLSTATE, "" elsewhere.
  const std::string& sqlstate() const { return details_.sqlstate; }
  /// SQLite's extended result code, 0 elsewhere.
  int result_code() const { return details_.result_code; }
  /// Every part at once.
  const ErrorDetails& details() const { return details_; }

 private:
  std::string message_;
  ErrorDetails details_;
};

/// The database cannot be reached or opened, or the connection broke.
class ConnectionError : public Error {
 public:
  using Error::Error;
};

/// No pooled connection became free within `acquire_timeout`: the pool is
/// exhausted (an app answers 503 and the client retries).
class PoolTimeout : public ConnectionError {
 public:
  using ConnectionError::ConnectionError;
};

/// A constraint was violated; nothing was written by the failing statement.
/// The kind is the type (UniqueViolation, ...); the names are in details().
class IntegrityError : public Error {
 public:
  using Error::Error;
  /// The violated constraint's name, where the database gives it (PostgreSQL).
  const std::string& constraint() const { return details().constraint; }
  /// The table, and for UNIQUE and NOT NULL on SQLite and NOT NULL on
  /// PostgreSQL the column ("" where the database does not say).
  const std::string& table() const { return details().table; }
  const std::string& column() const { return details().column; }
};

/// A UNIQUE or PRIMARY KEY constraint was violated.
class UniqueViolation : public IntegrityError {
 public:
  using IntegrityError::IntegrityError;
};

/// A FOREIGN KEY constraint was violated.
class ForeignKeyViolation : public IntegrityError {
 public:
  using IntegrityError::IntegrityError;
};

/// A NOT NULL constraint was violated.
class NotNullViolation : public IntegrityError {
 public:
  using IntegrityError::IntegrityError;
};

/// A value the database cannot store as given: out of range, a malformed date,
/// text with a NUL character on PostgreSQL. Nothing was written.
class DataError : public Error {
 public:
  using Error::Error;
};

/// Bad SQL: a syntax error, an unknown table or column. The message names the
/// SQL, never the bound values.
class ProgrammingError : public Error {
 public:
  using Error::Error;
};

/// Any other failure the database reported (busy, disk full, ...).
class OperationalError : public Error {
 public:
  using Error::Error;
};

/// A value read as a C++ type it cannot be converted to; names the column and both types.
class TypeError : public Error {
 public:
  using Error::Error;
};

/// A database URL that cannot be parsed or names an unsupported scheme.
class InvalidDatabaseURL : public Error {
 public:
  using Error::Error;
};

}  // namespace starling::db

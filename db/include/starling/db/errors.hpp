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

namespace starling::db {

/// Base of every database error.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
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
class IntegrityError : public Error {
 public:
  using Error::Error;
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

#pragma once
/// @file errors.hpp
/// The database layer's exceptions. Driver exceptions never leave db/: the
/// backends translate them into this tree.

#include <stdexcept>
#include <string>

namespace starling::db {

/// Base of every database error.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
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

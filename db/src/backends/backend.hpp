#pragma once
// What every backend connection does, synchronously: the Database runs these
// calls on threads it owns, never on an event loop.

#include <starling/db/row.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace starling::db::backend {

/// The outcome of one statement.
struct Result {
  Columns columns;
  std::vector<Row> rows;
  std::int64_t rows_affected = 0;
  std::optional<std::int64_t> last_insert_id;  ///< for an INSERT, when the backend knows it
};

/// One open connection. Not thread-safe: one caller at a time.
class Connection {
 public:
  virtual ~Connection() = default;
  /// Runs one statement with positional parameters (SQL already in the dialect's
  /// placeholder style). @throws a db::Error subclass; never a driver exception.
  virtual Result execute(const std::string& sql, const std::vector<Value>& params) = 0;
  /// Whether the connection still answers (cheap check before reuse).
  virtual bool is_alive() = 0;
};

}  // namespace starling::db::backend

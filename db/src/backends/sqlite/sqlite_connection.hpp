#pragma once
// A SQLite connection (SQLiteCpp): WAL for files, busy_timeout, foreign keys on,
// prepared statements cached by SQL text.

#include "backends/backend.hpp"

#include <starling/db/url.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace starling::db::backend {

class SqliteConnection final : public Connection {
 public:
  /// Opens (creating the file if needed). @throws ConnectionError naming the file.
  explicit SqliteConnection(const DatabaseURL& url, std::chrono::milliseconds busy_timeout = std::chrono::seconds(5));
  ~SqliteConnection() override;

  Result execute(const std::string& sql, const std::vector<Value>& params) override;
  bool is_alive() override;

 private:
  SQLite::Statement& prepare(const std::string& sql);

  std::unique_ptr<SQLite::Database> database_;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
};

}  // namespace starling::db::backend

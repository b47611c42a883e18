#pragma once
// A SQLite connection (SQLiteCpp): WAL for files, busy_timeout, foreign keys on,
// prepared statements cached by SQL text, the statement timeout.

#include "backends/backend.hpp"

#include <starling/db/url.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>

namespace SQLite {
class Database;
class Exception;
}  // namespace SQLite

namespace starling::db::backend {

struct SqliteStatement;
class StatementDeadline;

class SqliteConnection final : public Connection {
 public:
  /// Opens (creating the file if needed). @throws ConnectionError naming the file.
  /// `busy_timeout`: how long a statement waits for another connection's lock
  /// before SQLITE_BUSY.
  explicit SqliteConnection(const DatabaseURL& url, const ConnectionOptions& options = {},
                            std::chrono::milliseconds busy_timeout = std::chrono::seconds(5));
  ~SqliteConnection() override;

  Result execute(const std::string& sql, const std::vector<Value>& params) override;
  /// Stops at the first row and stays open until settle().
  std::optional<Row> fetch_first(const std::string& sql, const std::vector<Value>& params) override;
  void settle() noexcept override;
  std::unique_ptr<Cursor> open_cursor(const std::string& sql, const std::vector<Value>& params,
                                      bool in_transaction) override;
  // IMMEDIATE takes the write lock at BEGIN, so busy_timeout applies to it; a
  // deferred transaction that reads and then writes can fail at once with BUSY.
  std::string begin_statement() const override { return "BEGIN IMMEDIATE"; }
  bool pipelines(const PipelineStatement& statement) const override;
  std::vector<PipelineOutcome> run_pipeline(std::span<const PipelineStatement> statements) override;
  bool is_alive() override;
  bool in_transaction() const override;

 private:
  SqliteStatement& prepare(const std::string& sql);
  [[noreturn]] void fail(const SQLite::Exception& error, const std::string& sql);
  Result read_first(const std::string& sql, const std::vector<Value>& params);

  std::string path_;
  // Before the database: SQLite holds its address (the progress handler) until closed.
  std::unique_ptr<StatementDeadline> deadline_;
  std::unique_ptr<SQLite::Database> database_;
  std::unordered_map<std::string, std::unique_ptr<SqliteStatement>> statements_;
  SqliteStatement* open_read_ = nullptr;  // a fetch_first not yet reset: it holds a read snapshot
};

}  // namespace starling::db::backend

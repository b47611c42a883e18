#include "backends/sqlite/sqlite_connection.hpp"

#include "backends/sqlite/sqlite_statement.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <cctype>
#include <utility>

namespace starling::db::backend {
namespace {

constexpr std::size_t kStatementCacheSize = 256;

bool is_insert(std::string_view sql) {
  while (!sql.empty() && std::isspace(static_cast<unsigned char>(sql.front()))) sql.remove_prefix(1);
  const auto starts_with = [&](std::string_view word) {
    if (sql.size() < word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i)
      if (std::toupper(static_cast<unsigned char>(sql[i])) != word[i]) return false;
    return true;
  };
  return starts_with("INSERT") || starts_with("REPLACE");
}

// Its own statement (not the cache's), stepped a batch at a time.
class SqliteCursor final : public Cursor {
 public:
  SqliteCursor(SQLite::Database& database, const std::string& sql, const std::vector<Value>& params)
      : statement_(database, sql) {
    statement_.bind(params);
  }

  std::vector<Row> fetch(std::size_t count) override {
    std::vector<Row> rows;
    try {
      while (rows.size() < count && !done_ && statement_.statement.executeStep()) rows.push_back(statement_.row());
    } catch (const SQLite::Exception& error) {
      rethrow_translated(error, statement_.statement.getQuery());
    }
    if (rows.size() < count) done_ = true;
    return rows;
  }

 private:
  SqliteStatement statement_;
  bool done_ = false;
};

}  // namespace

SqliteConnection::SqliteConnection(const DatabaseURL& url, std::chrono::milliseconds busy_timeout) {
  try {
    database_ = std::make_unique<SQLite::Database>(url.database(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                                                   static_cast<int>(busy_timeout.count()));
    database_->exec("PRAGMA foreign_keys = ON");
    // WAL lets readers run beside the writer; a memory database has no journal file.
    if (!url.is_memory()) database_->exec("PRAGMA journal_mode = WAL");
  } catch (const SQLite::Exception& error) {
    throw ConnectionError("cannot open SQLite database '" + url.database() + "': " + error.what());
  }
}

SqliteConnection::~SqliteConnection() { settle(); }

SqliteStatement& SqliteConnection::prepare(const std::string& sql) {
  settle();
  if (auto cached = statements_.find(sql); cached != statements_.end()) {
    cached->second->statement.reset();  // cheap when already reset; bind() then sets every parameter
    return *cached->second;
  }
  if (statements_.size() >= kStatementCacheSize) statements_.clear();  // simple and bounded
  auto statement = std::make_unique<SqliteStatement>(*database_, sql);
  return *statements_.emplace(sql, std::move(statement)).first->second;
}

Result SqliteConnection::execute(const std::string& sql, const std::vector<Value>& params) {
  try {
    SqliteStatement& prepared = prepare(sql);
    prepared.bind(params);
    Result result;
    sqlite3* handle = database_->getHandle();
    const auto changes_before = sqlite3_total_changes64(handle);
    while (prepared.statement.executeStep()) result.rows.push_back(prepared.row());
    prepared.refresh_if_reprepared();  // even with no row: the columns are part of the answer
    result.columns = prepared.columns;
    prepared.statement.reset();  // ends the statement so it holds no read lock while cached
    // total_changes moves only for INSERT/UPDATE/DELETE, so DDL and SELECT count 0.
    result.rows_affected = sqlite3_total_changes64(handle) - changes_before;
    if (result.rows_affected > 0 && is_insert(sql)) result.last_insert_id = sqlite3_last_insert_rowid(handle);
    return result;
  } catch (const SQLite::Exception& error) {
    statements_.erase(sql);  // a failed statement is prepared again next time
    rethrow_translated(error, sql);
  }
}

std::optional<Row> SqliteConnection::fetch_first(const std::string& sql, const std::vector<Value>& params) {
  try {
    SqliteStatement& prepared = prepare(sql);
    prepared.bind(params);
    open_read_ = &prepared;
    if (!prepared.statement.executeStep()) return std::nullopt;
    return prepared.row();
  } catch (const SQLite::Exception& error) {
    settle();
    statements_.erase(sql);
    rethrow_translated(error, sql);
  }
}

void SqliteConnection::settle() noexcept {
  // Resetting ends the read transaction the open statement holds; its status is
  // that of the last step, already reported.
  if (open_read_) std::exchange(open_read_, nullptr)->statement.tryReset();
}

std::unique_ptr<Cursor> SqliteConnection::open_cursor(const std::string& sql, const std::vector<Value>& params,
                                                      bool /*in_transaction*/) {
  settle();
  try {
    return std::make_unique<SqliteCursor>(*database_, sql, params);
  } catch (const SQLite::Exception& error) {
    rethrow_translated(error, sql);
  }
}

bool SqliteConnection::is_alive() { return database_ != nullptr; }

bool SqliteConnection::in_transaction() const { return sqlite3_get_autocommit(database_->getHandle()) == 0; }

}  // namespace starling::db::backend

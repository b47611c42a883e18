#include "backends/sqlite/sqlite_connection.hpp"

#include "backends/sqlite/sqlite_statement.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <cctype>
#include <thread>
#include <utility>

namespace starling::db::backend {
namespace {

constexpr std::size_t kStatementCacheSize = 256;

// Only reads that typically take less than this share a snapshot (see
// StatementTiming): 16 of them then hold up the last for a few milliseconds at most.
constexpr std::chrono::microseconds kSharedUnder{250};
// Virtual-machine steps between two looks at the clock: a few microseconds' work.
constexpr int kStepsPerDeadlineCheck = 1000;

using Clock = StatementTiming::Clock;

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

// Processes opening a new file at once can each hold a lock that the other's
// switch to WAL needs; SQLite then answers BUSY at once, without calling its
// busy handler (that would deadlock). Retried within the busy timeout.
void switch_to_wal(SQLite::Database& database, std::chrono::milliseconds busy_timeout) {
  const auto deadline = std::chrono::steady_clock::now() + busy_timeout;
  for (;;) {
    try {
      database.exec("PRAGMA journal_mode = WAL");
      return;
    } catch (const SQLite::Exception& error) {
      if (error.getErrorCode() != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline) throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

// The statement timeout: SQLite calls the progress handler every few thousand
// steps of a statement, and interrupts it (SQLITE_INTERRUPT) when that says
// its time is up. Lock waits are bounded by the busy timeout instead.
class StatementDeadline {
 public:
  StatementDeadline(sqlite3* handle, std::chrono::milliseconds limit) : limit_(limit) {
    if (limit_.count() > 0) sqlite3_progress_handler(handle, kStepsPerDeadlineCheck, &StatementDeadline::check, this);
  }

  /// Called before each statement, and before each batch a cursor reads.
  void start() {
    if (limit_.count() > 0) deadline_ = Clock::now() + limit_;
  }

  /// Throws the timeout's OperationalError for an interruption that it caused.
  void rethrow_if_timed_out(const SQLite::Exception& error, const std::string& sql) const {
    if (error.getErrorCode() != SQLITE_INTERRUPT || limit_.count() == 0 || Clock::now() < deadline_) return;
    throw OperationalError("the statement ran longer than the statement timeout (" + std::to_string(limit_.count()) +
                               " ms) and was interrupted",
                           {.sql = sql, .result_code = error.getExtendedErrorCode()});
  }

 private:
  static int check(void* self) { return Clock::now() >= static_cast<StatementDeadline*>(self)->deadline_ ? 1 : 0; }

  std::chrono::milliseconds limit_;
  Clock::time_point deadline_ = Clock::time_point::max();
};

namespace {

// Its own statement (not the cache's), stepped a batch at a time.
class SqliteCursor final : public Cursor {
 public:
  SqliteCursor(SQLite::Database& database, StatementDeadline& deadline, const std::string& sql,
               const std::vector<Value>& params)
      : statement_(database, sql), deadline_(deadline) {
    statement_.bind(params);
  }

  std::vector<Row> fetch(std::size_t count) override {
    std::vector<Row> rows;
    try {
      deadline_.start();
      while (rows.size() < count && !done_ && statement_.statement.executeStep()) rows.push_back(statement_.row());
    } catch (const SQLite::Exception& error) {
      deadline_.rethrow_if_timed_out(error, statement_.statement.getQuery());
      rethrow_translated(error, statement_.statement.getQuery());
    }
    if (rows.size() < count) done_ = true;
    return rows;
  }

 private:
  SqliteStatement statement_;
  StatementDeadline& deadline_;
  bool done_ = false;
};

}  // namespace

SqliteConnection::SqliteConnection(const DatabaseURL& url, const ConnectionOptions& options,
                                   std::chrono::milliseconds busy_timeout)
    : path_(url.database()) {
  try {
    // No mutex of SQLite's own per call: the pool hands a connection to one
    // thread at a time, and a point read makes a dozen calls.
    const int flags = SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX;
    database_ = std::make_unique<SQLite::Database>(url.database(), flags, static_cast<int>(busy_timeout.count()));
    database_->exec("PRAGMA foreign_keys = ON");
    // WAL lets readers run beside the writer; a memory database has no journal file.
    if (!url.is_memory()) switch_to_wal(*database_, busy_timeout);
  } catch (const SQLite::Exception& error) {
    throw ConnectionError("cannot open SQLite database '" + url.database() + "': " + error.what());
  }
  deadline_ = std::make_unique<StatementDeadline>(database_->getHandle(), options.statement_timeout);
}

SqliteConnection::~SqliteConnection() { settle(); }

void SqliteConnection::fail(const SQLite::Exception& error, const std::string& sql) {
  deadline_->rethrow_if_timed_out(error, sql);
  // SQLite opens a file it may not write read-only, and makes its -wal and
  // -shm files with the same mode: say so, for whoever reads the log.
  if (error.getErrorCode() == SQLITE_READONLY && sqlite3_db_readonly(database_->getHandle(), "main") == 1)
    throw OperationalError("the SQLite database '" + path_ +
                               "' is read-only to this process (it may not write the file; SQLite then makes its "
                               "-wal and -shm files read-only too): " +
                               error.what(),
                           {.sql = sql, .result_code = error.getExtendedErrorCode()});
  rethrow_translated(error, sql);
}

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
  deadline_->start();  // before preparing, which may read the schema
  try {
    SqliteStatement& prepared = prepare(sql);
    prepared.bind(params);
    Result result;
    sqlite3* handle = database_->getHandle();
    const auto changes_before = sqlite3_total_changes64(handle);
    const auto started = Clock::now();
    while (prepared.statement.executeStep()) result.rows.push_back(prepared.row());
    prepared.timing.note(Clock::now() - started);
    prepared.refresh_if_reprepared();  // even with no row: the columns are part of the answer
    result.columns = prepared.columns;
    prepared.statement.reset();  // ends the statement so it holds no read lock while cached
    // total_changes moves only for INSERT/UPDATE/DELETE, so DDL and SELECT count 0.
    result.rows_affected = sqlite3_total_changes64(handle) - changes_before;
    if (result.rows_affected > 0 && is_insert(sql)) result.last_insert_id = sqlite3_last_insert_rowid(handle);
    return result;
  } catch (const SQLite::Exception& error) {
    statements_.erase(sql);  // a failed statement is prepared again next time
    fail(error, sql);
  }
}

std::optional<Row> SqliteConnection::fetch_first(const std::string& sql, const std::vector<Value>& params) {
  deadline_->start();
  try {
    SqliteStatement& prepared = prepare(sql);
    prepared.bind(params);
    open_read_ = &prepared;
    const auto started = Clock::now();
    const bool found = prepared.statement.executeStep();
    prepared.timing.note(Clock::now() - started);
    if (!found) return std::nullopt;
    return prepared.row();
  } catch (const SQLite::Exception& error) {
    settle();
    statements_.erase(sql);
    fail(error, sql);
  }
}

// Reads only, known to be short, that SQLite itself says write nothing (a
// SELECT calling a function that writes would not pass).
bool SqliteConnection::pipelines(const PipelineStatement& statement) const {
  if (!statement.read_only) return false;
  const auto cached = statements_.find(*statement.sql);
  return cached != statements_.end() && cached->second->writes_nothing() &&
         cached->second->timing.is_shorter_than(kSharedUnder);
}

// The reads share one read transaction: taking and dropping the WAL read lock
// is most of a point read's cost (bench/README.md). All of them were
// queued before it starts, so each sees every write that finished before it
// was asked for, as it would alone.
std::vector<PipelineOutcome> SqliteConnection::run_pipeline(std::span<const PipelineStatement> statements) {
  execute("BEGIN", {});
  std::vector<PipelineOutcome> outcomes(statements.size());
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const auto& statement = statements[i];
    try {
      outcomes[i].result = statement.first_row_only ? read_first(*statement.sql, *statement.params)
                                                    : execute(*statement.sql, *statement.params);
    } catch (const Error&) {
      outcomes[i].error = std::current_exception();
    }
  }
  execute("COMMIT", {});  // only ends the read: the pool rolls back and drops the connection if it fails
  return outcomes;
}

Result SqliteConnection::read_first(const std::string& sql, const std::vector<Value>& params) {
  Result result;
  if (auto row = fetch_first(sql, params)) result.rows.push_back(std::move(*row));
  settle();
  return result;
}

void SqliteConnection::settle() noexcept {
  // Resetting ends the read transaction the open statement holds; its status is
  // that of the last step, already reported.
  if (open_read_) std::exchange(open_read_, nullptr)->statement.tryReset();
}

std::unique_ptr<Cursor> SqliteConnection::open_cursor(const std::string& sql, const std::vector<Value>& params,
                                                      bool /*in_transaction*/) {
  settle();
  deadline_->start();
  try {
    return std::make_unique<SqliteCursor>(*database_, *deadline_, sql, params);
  } catch (const SQLite::Exception& error) {
    fail(error, sql);
  }
}

bool SqliteConnection::is_alive() { return database_ != nullptr; }

bool SqliteConnection::in_transaction() const { return sqlite3_get_autocommit(database_->getHandle()) == 0; }

}  // namespace starling::db::backend

#pragma once
/// @file database.hpp
/// Database: a URL, a connection pool and the threads that run the driver.
///
///     db::Database database(DATABASE_URL);               // or ({.force_rollback = TESTING})
///     co_await database.connect();                        // on startup
///     const auto query = notes.select();
///     auto rows = co_await database.fetch_all(query);
///     co_await database.disconnect();                     // on shutdown

#include <starling/db/connection.hpp>
#include <starling/db/transaction.hpp>
#include <starling/db/url.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace starling::db {

/// A freshly opened connection, for DatabaseOptions::on_connect. Runs on a
/// driver thread, synchronously.
class SetupConnection {
 public:
  virtual ~SetupConnection() = default;
  /// Runs one statement (`?`/`$1` placeholders). @throws a db::Error.
  virtual std::vector<Row> execute(const std::string& sql, const std::vector<Value>& params = {}) = 0;
};

struct DatabaseOptions {
  /// Everything runs on one connection inside one transaction, rolled back at
  /// disconnect(); transactions inside become savepoints. For tests.
  bool force_rollback = false;
  /// Connections opened by connect() (at least one: connect() fails early).
  std::size_t min_size = 1;
  /// The most connections open at once. SQLite files add one writer connection
  /// to these readers; `:memory:` and force_rollback use exactly one connection.
  std::size_t max_size = 10;
  /// How long a query waits for a free connection before PoolTimeout.
  std::chrono::milliseconds acquire_timeout{10'000};
  /// A statement that runs longer is cancelled with OperationalError (an app
  /// using db_http answers 503), so that a lock held elsewhere or a runaway
  /// query cannot hold a request forever. PostgreSQL's statement_timeout
  /// (lock waits included); on SQLite, checked as the statement runs (lock
  /// waits end after 5 s with SQLITE_BUSY anyway). Statements pipelined
  /// together run in turn, each with its own timeout. 0: no limit.
  std::chrono::milliseconds statement_timeout{0};
  /// Whether short statements queued while every connection is busy may run
  /// together: in one round trip on PostgreSQL (pipeline mode), in one read
  /// snapshot on SQLite. Each still succeeds or fails on its own, outside any
  /// transaction. Off: each runs alone, one round trip each.
  bool pipeline = true;
  /// Runs on each new connection (e.g. `SET TIME ZONE 'UTC'`, a PRAGMA).
  std::function<void(SetupConnection&)> on_connect;
};

/// Pool counters, readable at any time.
struct PoolStats {
  std::size_t size = 0;      ///< connections open (or opening)
  std::size_t in_use = 0;    ///< held by queries, transactions, streams
  std::size_t idle = 0;      ///< open and free
  std::size_t waiting = 0;   ///< callers queued for a connection
  std::size_t max_size = 0;  ///< the bound on size
  /// Statements so far that ran together with other callers' (short statements
  /// queued while every connection was busy: PostgreSQL's pipeline, one round
  /// trip; SQLite's reads, one read snapshot).
  std::uint64_t pipelined = 0;
  /// Callers that waited past acquire_timeout for a connection (PoolTimeout),
  /// since connect().
  std::uint64_t timeouts = 0;
};

class Database : public Queryable {
 public:
  explicit Database(DatabaseURL url, DatabaseOptions options = {});
  explicit Database(std::string_view url, DatabaseOptions options = {})
      : Database(DatabaseURL(url), std::move(options)) {}
  ~Database() override;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  /// Opens the pool (min_size connections). Does nothing when connected.
  /// @throws ConnectionError naming the URL (password obscured).
  awaitable<void> connect();
  /// Closes the pool; with force_rollback, rolls everything back first. Does
  /// nothing when not connected. Statements still waiting for a connection fail
  /// with ConnectionError; it returns once those running have finished.
  /// Connections still held (a Connection, Transaction, RowStream) close when released.
  awaitable<void> disconnect();
  bool is_connected() const;

  /// A connection held for several queries (for SQLite, the writer).
  /// @throws PoolTimeout, ConnectionError, ProgrammingError before connect().
  awaitable<Connection> connection();

  PoolStats stats() const;
  const DatabaseURL& url() const;
  const DatabaseOptions& options() const;

 private:
  class State;  // URL, options, and the pools while connected
  State& state() const;
};

}  // namespace starling::db

#pragma once
// What every backend connection does, synchronously: the Database runs these
// calls on threads it owns, never on an event loop.

#include <starling/db/row.hpp>
#include <starling/db/url.hpp>

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <span>
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

/// One statement of a pipeline (see Connection::run_pipeline, execute_all).
struct PipelineStatement {
  const std::string* sql;
  const std::vector<Value>* params;
  bool read_only = false;       ///< the query says it only reads (CompiledQuery::read_only)
  bool first_row_only = false;  ///< the caller wants its first row only (a read may stop there)
};

/// What one statement of a pipeline came to: its result, or the db::Error it raised.
struct PipelineOutcome {
  Result result;
  std::exception_ptr error;
};

/// Rows of one query read a batch at a time, so a large result is never all in
/// memory. Destroying it closes the query (on the thread that runs the connection).
class Cursor {
 public:
  virtual ~Cursor() = default;
  /// Up to `count` more rows; fewer (or none) at the end.
  virtual std::vector<Row> fetch(std::size_t count) = 0;
};

/// One open connection. Not thread-safe: one caller at a time.
class Connection {
 public:
  virtual ~Connection() = default;
  /// Runs one statement with positional parameters (SQL already in the dialect's
  /// placeholder style). @throws a db::Error subclass; never a driver exception.
  virtual Result execute(const std::string& sql, const std::vector<Value>& params) = 0;
  /// Runs a read (the caller knows it only reads: CompiledQuery::read_only) for
  /// its first row only (none when it has no rows). A backend may leave the
  /// query open after it (SQLite keeps its read snapshot until the statement is
  /// reset), to be ended by settle(). @throws as execute().
  virtual std::optional<Row> fetch_first(const std::string& sql, const std::vector<Value>& params) {
    auto result = execute(sql, params);
    if (result.rows.empty()) return std::nullopt;
    return std::move(result.rows.front());
  }
  /// Ends what the last query left open. The runtime calls it once the caller
  /// has its answer, so this work overlaps the caller's; every other call settles
  /// first as well, so nothing ever runs inside a query left open.
  virtual void settle() noexcept {}
  /// Starts streaming a query's rows. `in_transaction` says whether the caller has
  /// a transaction open (PostgreSQL cursors need one and open their own otherwise).
  /// The connection runs nothing else until the cursor is destroyed.
  virtual std::unique_ptr<Cursor> open_cursor(const std::string& sql, const std::vector<Value>& params,
                                              bool in_transaction) = 0;
  /// The statement that starts a transaction (SQLite takes the write lock at once).
  virtual std::string begin_statement() const { return "BEGIN"; }
  /// Whether the statement may run together with other callers' (run_pipeline):
  /// a backend says so only for short data statements it has run before, never
  /// for one that could open a transaction or change the session.
  virtual bool pipelines(const PipelineStatement& /*statement*/) const { return false; }
  /// Runs statements that pipelines() accepted, outside any transaction,
  /// together but each as if alone, all at once: one failing fails only itself.
  /// (PostgreSQL sends them in one round trip; SQLite reads them in one
  /// snapshot.) A broken connection fails the statements not yet answered with
  /// ConnectionError. @throws ConnectionError when none could run.
  virtual std::vector<PipelineOutcome> run_pipeline(std::span<const PipelineStatement> statements) = 0;
  /// Runs statements in order inside the caller's transaction (execute_many),
  /// stopping at the first that fails, whose db::Error it throws: the caller
  /// rolls back. PostgreSQL sends them all before reading an answer (one round
  /// trip); the default runs them one by one.
  virtual void execute_all(std::span<const PipelineStatement> statements) {
    for (const auto& statement : statements) execute(*statement.sql, *statement.params);
  }
  /// Whether the connection still answers (cheap check before reuse).
  virtual bool is_alive() = 0;
  /// Whether a transaction is open on it, however it was opened (a raw BEGIN
  /// included): the driver's own state, no round trip.
  virtual bool in_transaction() const = 0;
};

/// Settings of a connection, beyond its URL.
struct ConnectionOptions {
  /// A statement running longer is cancelled with OperationalError; 0: never.
  std::chrono::milliseconds statement_timeout{0};
};

/// Opens a connection to `url` for its dialect. @throws ConnectionError naming the
/// URL with its password obscured.
std::unique_ptr<Connection> open_connection(const DatabaseURL& url, const ConnectionOptions& options = {});

}  // namespace starling::db::backend

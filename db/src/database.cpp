#include <starling/db/database.hpp>

#include "backends/backend.hpp"
#include "session.hpp"

#include <algorithm>
#include <thread>

namespace starling::db {

using runtime::Pool;
using runtime::PooledConnection;
using runtime::PoolSettings;

namespace {

// One thread per connection (and one for SQLite's writer). PostgreSQL calls block
// on the network; SQLite readers block too, on the file's locks and on SQLite's
// own mutexes, so fewer threads than connections served fewer queries (bench/README.md).
std::size_t driver_thread_count(bool single, bool sqlite_file, std::size_t max_size) {
  if (single) return 1;
  return max_size + (sqlite_file ? 1 : 0);
}

// How many of them run at once. A SQLite read is CPU work: threads beyond the
// cores left over by the callers' loop only take turns with it (bench/README.md
// has the figures). A thread whose job runs long (a slow query, a lock wait)
// stops counting after kStall, so a slow query still holds up the others for a
// millisecond at most. PostgreSQL's threads wait on the network: no limit.
std::size_t running_limit(bool sqlite_file) {
  if (!sqlite_file) return 0;
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return std::max<std::size_t>(cores - 1, 1);
}

class SetupAdapter final : public SetupConnection {
 public:
  explicit SetupAdapter(backend::Connection& connection) : connection_(connection) {}
  std::vector<Row> execute(const std::string& sql, const std::vector<Value>& params) override {
    return connection_.execute(sql, params).rows;
  }

 private:
  backend::Connection& connection_;
};

}  // namespace

// SQLite allows one writer at a time: writes and transactions queue for the
// one writer connection (FIFO, in process) instead of racing for the file lock
// and surfacing "database is locked"; reads run beside it (WAL). PostgreSQL
// needs no writer. `:memory:` and force_rollback use the writer alone.
namespace {

struct OpenPools {
  std::shared_ptr<runtime::DriverThreads> threads;
  std::shared_ptr<Pool> shared;  // reads (and, on PostgreSQL, everything)
  std::shared_ptr<Pool> writer;  // SQLite writes and transactions; the single connection
};

}  // namespace

// A Database's session: statements queue for its pools as work, without a
// connection lent for each (see Pool::run).
class Database::State final : public detail::Session {
 public:
  State(DatabaseURL url, DatabaseOptions options) : url(std::move(url)), options(std::move(options)) {}

  Dialect dialect() const override { return url.dialect(); }

  awaitable<std::shared_ptr<runtime::Lease>> lease(bool read_only) override {
    auto pool = pool_for(read_only);
    auto connection = co_await pool->acquire();
    co_return std::make_shared<runtime::Lease>(pool, std::move(connection), url.dialect());
  }

  awaitable<void> run(bool read_only, const detail::Work& work, const runtime::PipelineEntry* entry) override {
    return Pool::run(pool_for(read_only), work, entry);  // no frame of its own
  }

  std::shared_ptr<OpenPools> opened() const {
    std::lock_guard lock(mutex);
    return pools;
  }

  /// The pool for a statement, or for a lent connection. @throws ProgrammingError before connect().
  std::shared_ptr<Pool> pool_for(bool read_only) const {
    auto pools = opened();
    if (!pools)
      throw ProgrammingError("the database " + url.to_string() + " is not connected: co_await connect() first");
    return (read_only && pools->shared) || !pools->writer ? pools->shared : pools->writer;
  }

  DatabaseURL url;
  DatabaseOptions options;
  mutable std::mutex mutex;
  std::shared_ptr<OpenPools> pools;  // null while disconnected
};

Database::Database(DatabaseURL url, DatabaseOptions options)
    : Queryable(std::make_shared<State>(std::move(url), std::move(options))) {
  auto& settings = state().options;
  if (settings.max_size == 0) throw ProgrammingError("DatabaseOptions::max_size must be at least 1");
  // PostgreSQL's statement_timeout is an int of milliseconds.
  if (settings.statement_timeout.count() < 0 || settings.statement_timeout.count() > 2'147'483'647)
    throw ProgrammingError("DatabaseOptions::statement_timeout must be 0 (none) to 2147483647 ms, not " +
                           std::to_string(settings.statement_timeout.count()) + " ms");
  settings.min_size = std::clamp<std::size_t>(settings.min_size, 1, settings.max_size);
}

Database::~Database() = default;

Database::State& Database::state() const { return static_cast<State&>(session()); }
const DatabaseURL& Database::url() const { return state().url; }
const DatabaseOptions& Database::options() const { return state().options; }
bool Database::is_connected() const { return state().opened() != nullptr; }

awaitable<void> Database::connect() {
  if (is_connected()) co_return;
  const auto& url = this->url();
  const auto& options = this->options();
  const bool single = options.force_rollback || url.is_memory();
  const bool sqlite_file = url.dialect() == Dialect::sqlite && !single;

  PoolSettings base;
  base.acquire_timeout = options.acquire_timeout;
  base.pipeline = options.pipeline;
  base.description = url.to_string();
  base.open = [url, connection_options = backend::ConnectionOptions{.statement_timeout = options.statement_timeout}] {
    return backend::open_connection(url, connection_options);
  };
  base.prepare = [hook = options.on_connect, force_rollback = options.force_rollback,
                  postgres = url.dialect() == Dialect::postgresql](PooledConnection& connection) {
    if (hook) {
      SetupAdapter adapter(*connection.backend);
      hook(adapter);
    }
    if (force_rollback) {
      runtime::begin_level(connection);
      connection.base_depth = connection.depth;
      connection.contain_statements = postgres;  // SQLite undoes just the failed statement itself
    }
  };
  base.finish = [](PooledConnection& connection) {
    while (connection.depth > 0) runtime::rollback_level(connection);
  };

  auto pools = std::make_shared<OpenPools>();
  pools->threads = std::make_shared<runtime::DriverThreads>(driver_thread_count(single, sqlite_file, options.max_size),
                                                            running_limit(sqlite_file));
  if (single || sqlite_file) {
    PoolSettings writer = base;
    writer.min_size = writer.max_size = 1;
    // The likeliest wait that never ends: a statement through the Database
    // inside a transaction, waiting for the connection that transaction holds.
    writer.timeout_hint =
        std::string(single ? (options.force_rollback ? "force_rollback runs" : ":memory: runs")
                           : "SQLite runs writes and transactions") +
        " on one connection: inside a transaction, run statements through its handle, not the Database";
    pools->writer = std::make_shared<Pool>(std::move(writer), pools->threads);
    co_await pools->writer->open();
  }
  if (!single) {
    PoolSettings shared = base;
    shared.min_size = options.min_size;
    shared.max_size = options.max_size;
    pools->shared = std::make_shared<Pool>(std::move(shared), pools->threads);
    co_await pools->shared->open();
  }
  std::lock_guard lock(state().mutex);
  if (!state().pools) state().pools = std::move(pools);  // else a concurrent connect() won; these close as they go
}

awaitable<void> Database::disconnect() {
  std::shared_ptr<OpenPools> pools;
  {
    std::lock_guard lock(state().mutex);
    pools.swap(state().pools);
  }
  if (!pools) co_return;
  if (pools->shared) co_await pools->shared->close();
  if (pools->writer) co_await pools->writer->close();
  // Connections dropped or released meanwhile close in tasks of their own; and
  // a task must not be the last to hold the pools, or the threads would end
  // after disconnect() returned (a SQLite file still locked by its checkpoint).
  co_await pools->threads->until_idle();
}

awaitable<Connection> Database::connection() {
  auto lease = co_await state().lease(false);
  co_return Connection(std::make_shared<detail::LeaseSession>(std::move(lease)));
}

PoolStats Database::stats() const {
  PoolStats stats;
  const auto pools = this->state().opened();
  if (!pools) return stats;
  for (const auto* pool : {pools->shared.get(), pools->writer.get()}) {
    if (!pool) continue;
    const auto counts = pool->counts();
    stats.size += counts.size;
    stats.in_use += counts.in_use;
    stats.waiting += counts.waiting;
    stats.pipelined += counts.pipelined;
    stats.timeouts += counts.timeouts;
  }
  stats.idle = stats.size - stats.in_use;
  const bool single = options().force_rollback || url().is_memory();
  stats.max_size = single ? 1 : options().max_size + (url().dialect() == Dialect::sqlite ? 1 : 0);
  return stats;
}

}  // namespace starling::db

#pragma once
// A connection out of the pool, shared by the handles that use it (Connection,
// Transaction, RowStream); the last one gone gives it back.

#include "runtime/pool.hpp"

#include <atomic>

namespace starling::db::runtime {

struct Lease {
  Lease(std::shared_ptr<Pool> pool, std::unique_ptr<PooledConnection> connection, Dialect dialect)
      : pool(std::move(pool)), connection(std::move(connection)), dialect(dialect) {}
  ~Lease() { pool->release(std::move(connection)); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  /// Runs `job` on a driver thread. A connection that sat idle is checked first
  /// and replaced if dead. A ConnectionError marks it broken (dropped on release).
  /// @throws ProgrammingError when a query is already running on this connection.
  awaitable<void> run(const std::function<void(PooledConnection&)>& job);

  std::shared_ptr<Pool> pool;
  std::unique_ptr<PooledConnection> connection;
  Dialect dialect;
  std::atomic<bool> busy{false};
};

}  // namespace starling::db::runtime

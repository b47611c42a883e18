#pragma once
// A connection out of the pool, shared by the handles that use it (Connection,
// Transaction, RowStream); the last one gone gives it back.

#include "runtime/pool.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace starling::db::runtime {

struct Lease {
  Lease(std::shared_ptr<Pool> pool, std::unique_ptr<PooledConnection> connection, Dialect dialect)
      : pool(std::move(pool)), connection(std::move(connection)), dialect(dialect) {}
  /// Gives the connection back (closing a parked cursor first, on a driver thread).
  ~Lease();
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  /// Runs `job` on a driver thread. A connection that sat idle is checked first
  /// and replaced if dead. A ConnectionError marks it broken (dropped on release).
  /// @throws ProgrammingError when a query is already running on this connection.
  awaitable<void> run(const std::function<void(PooledConnection&)>& job);
  /// Keeps a cursor whose stream was dropped, to close it on a driver thread
  /// before this connection's next job, or before it goes back to the pool:
  /// never beside another job on the same connection.
  void park(std::unique_ptr<backend::Cursor> cursor);

  std::shared_ptr<Pool> pool;
  std::unique_ptr<PooledConnection> connection;
  Dialect dialect;
  std::atomic<bool> busy{false};

 private:
  using Parked = std::vector<std::unique_ptr<backend::Cursor>>;
  Parked take_parked();
  std::mutex parked_mutex_;
  Parked parked_;  // several streams may be dropped before the next job
};

}  // namespace starling::db::runtime

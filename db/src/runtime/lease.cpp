#include "runtime/lease.hpp"

namespace starling::db::runtime {
namespace {

// Clears the busy flag however the query ends.
struct BusyScope {
  explicit BusyScope(std::atomic<bool>& busy) : busy_(busy) {
    if (busy_.exchange(true))
      throw ProgrammingError("a Connection runs one query at a time; await each before starting the next");
  }
  ~BusyScope() { busy_.store(false); }
  BusyScope(const BusyScope&) = delete;
  BusyScope& operator=(const BusyScope&) = delete;
  std::atomic<bool>& busy_;
};

}  // namespace

awaitable<void> Lease::run(const std::function<void(PooledConnection&)>& job) {
  BusyScope scope(busy);
  if (connection->broken) throw ConnectionError("this connection broke earlier; use a new one");
  const std::function<void()> checked_job = [this, &job] {
    PooledConnection& pooled = *connection;
    if (pooled.from_idle) {
      pooled.from_idle = false;
      if (!pooled.backend->is_alive()) pool->reopen(pooled);
    }
    if (pooled.abandoned_level > 0) {
      while (pooled.depth >= pooled.abandoned_level) rollback_level(pooled);
      pooled.abandoned_level = 0;
    }
    try {
      job(pooled);
    } catch (const ConnectionError&) {
      pooled.broken = true;
      throw;
    }
  };
  co_await pool->threads().run(checked_job);
}

}  // namespace starling::db::runtime

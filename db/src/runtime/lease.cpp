#include "runtime/lease.hpp"

#include <utility>

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

// Ends what the job left open (see backend::Connection::settle), however it ends.
struct SettleAfter {
  explicit SettleAfter(backend::Connection& connection) : connection_(connection) {}
  ~SettleAfter() { connection_.settle(); }
  SettleAfter(const SettleAfter&) = delete;
  SettleAfter& operator=(const SettleAfter&) = delete;
  backend::Connection& connection_;
};

}  // namespace

Lease::~Lease() {
  auto parked = std::make_shared<Parked>(take_parked());
  if (parked->empty()) {
    pool->release(std::move(connection));
    return;
  }
  auto* raw = connection.release();
  pool->threads().post([pool = pool, parked, raw] {
    parked->clear();  // CLOSE (and its COMMIT) before anyone else gets the connection
    pool->release(std::unique_ptr<PooledConnection>(raw));
  });
}

void Lease::park(std::unique_ptr<backend::Cursor> cursor) {
  std::lock_guard lock(parked_mutex_);
  parked_.push_back(std::move(cursor));
}

Lease::Parked Lease::take_parked() {
  std::lock_guard lock(parked_mutex_);
  return std::exchange(parked_, {});
}

awaitable<void> Lease::run(const std::function<void(PooledConnection&)>& job) {
  BusyScope scope(busy);
  if (connection->broken) throw ConnectionError("this connection broke earlier; use a new one");
  const std::function<void()> checked_job = [this, &job] {
    PooledConnection& pooled = *connection;
    take_parked().clear();  // dropped streams' cursors close before anything else runs
    pool->revive(pooled);
    if (pooled.abandoned_level > 0) {
      while (pooled.depth >= pooled.abandoned_level) rollback_level(pooled);
      pooled.abandoned_level = 0;
    }
    try {
      const SettleAfter settle(*pooled.backend);  // the connection may go back to the pool right after
      job(pooled);
    } catch (const ConnectionError&) {
      pooled.broken = true;
      throw;
    }
  };
  co_await pool->threads().run(checked_job);
}

}  // namespace starling::db::runtime

#include <starling/db/transaction.hpp>

#include "runtime/lease.hpp"

namespace starling::db {

using runtime::PooledConnection;
using Job = std::function<void(PooledConnection&)>;

Transaction::Transaction(std::shared_ptr<runtime::Lease> lease, int level)
    : Connection(std::move(lease)), level_(level) {}

Transaction::Transaction(Transaction&& other) noexcept
    : Connection(std::move(other)), level_(other.level_), active_(std::exchange(other.active_, false)) {}

Transaction::~Transaction() {
  if (!active_ || !lease_) return;
  // Never committed: the next query on this connection (or its return to the
  // pool) rolls back to below this level first. Nothing here can block.
  auto& pooled = *lease_->connection;
  if (pooled.abandoned_level == 0 || level_ < pooled.abandoned_level) pooled.abandoned_level = level_;
}

awaitable<std::shared_ptr<runtime::Lease>> Transaction::lease(bool read_only) {
  if (!active_) throw ProgrammingError("query on a transaction that was already committed or rolled back");
  co_return co_await Connection::lease(read_only);
}

awaitable<void> Transaction::commit() {
  if (!active_) throw ProgrammingError("commit() on a transaction that is no longer active");
  active_ = false;
  const int level = level_;
  const auto lease = std::move(lease_);  // let go of the connection once done, whatever happens
  const Job job = [level](PooledConnection& connection) {
    if (connection.depth != level)
      throw ProgrammingError("commit() of a transaction while a transaction inside it is still open");
    runtime::commit_level(connection);
  };
  co_await lease->run(job);
}

awaitable<void> Transaction::rollback() {
  if (!active_) co_return;
  active_ = false;
  const int level = level_;
  const auto lease = std::move(lease_);
  const Job job = [level](PooledConnection& connection) {
    while (connection.depth >= level) runtime::rollback_level(connection);  // inner ones first
  };
  co_await lease->run(job);
}

}  // namespace starling::db

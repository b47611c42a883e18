#include <starling/db/transaction.hpp>

#include "session.hpp"

namespace starling::db {

using runtime::PooledConnection;

namespace detail {

TransactionSession::~TransactionSession() {
  if (!active_ || !lease_) return;
  // Never committed: the next query on this connection (or its return to the
  // pool) rolls back to below this level first. Nothing here can block.
  auto& pooled = *lease_->connection;
  if (pooled.abandoned_level == 0 || level_ < pooled.abandoned_level) pooled.abandoned_level = level_;
}

awaitable<std::shared_ptr<runtime::Lease>> TransactionSession::lease(bool read_only) {
  if (!active_) throw ProgrammingError("query on a transaction that was already committed or rolled back");
  co_return co_await LeaseSession::lease(read_only);
}

// SQLite rolls a whole transaction back by itself after some errors (an
// interrupted write, a full disk, an I/O error), and a raw COMMIT or ROLLBACK
// ends it too. A statement after that would run on its own and be kept
// whatever the caller does next: refused instead.
awaitable<void> TransactionSession::run(bool read_only, const Work& work, const runtime::PipelineEntry* /*entry*/) {
  const auto lease = co_await this->lease(read_only);
  const Work checked = [&work, level = level_](PooledConnection& connection) {
    if (connection.depth >= level && !connection.backend->in_transaction())
      throw OperationalError(runtime::kEndedByTheDatabase);
    work(connection);
  };
  co_await lease->run(checked);
}

awaitable<void> TransactionSession::commit() {
  if (!active_) throw ProgrammingError("commit() on a transaction that is no longer active");
  active_ = false;
  const int level = level_;
  const auto lease = std::move(lease_);  // let go of the connection once done, whatever happens
  const Work job = [level](PooledConnection& connection) {
    if (connection.depth != level)
      throw ProgrammingError("commit() of a transaction while a transaction inside it is still open");
    runtime::commit_level(connection);
  };
  co_await lease->run(job);
}

awaitable<void> TransactionSession::rollback() {
  if (!active_) co_return;
  active_ = false;
  const int level = level_;
  const auto lease = std::move(lease_);
  const Work job = [level](PooledConnection& connection) {
    while (connection.depth >= level) runtime::rollback_level(connection);  // inner ones first
  };
  co_await lease->run(job);
}

}  // namespace detail

Transaction::Transaction(std::shared_ptr<detail::Session> session) : Connection(std::move(session)) {}
Transaction::Transaction(Transaction&& other) noexcept = default;
Transaction::~Transaction() = default;

// Its session is always a TransactionSession (see Queryable::begin).
detail::TransactionSession& Transaction::transaction() const {
  return static_cast<detail::TransactionSession&>(session());
}

bool Transaction::is_active() const { return has_session() && transaction().is_active(); }

awaitable<void> Transaction::commit() {
  if (!has_session()) throw ProgrammingError("commit() on a moved-from db::Transaction");
  co_await transaction().commit();
}

awaitable<void> Transaction::rollback() {
  if (!has_session()) co_return;
  co_await transaction().rollback();
}

}  // namespace starling::db

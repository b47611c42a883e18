#pragma once
// Where a Queryable's statements run: the hidden half of Database, Connection
// and Transaction (their public headers name only detail::Session). A Database
// runs each statement on the first free pooled connection; a Connection or a
// Transaction runs them on the one connection it holds.

#include <starling/db/connection.hpp>
#include <starling/db/errors.hpp>

#include "runtime/lease.hpp"
#include "runtime/pool.hpp"

#include <functional>
#include <memory>

namespace starling::db::detail {

using Work = std::function<void(runtime::PooledConnection&)>;

class Session {
 public:
  virtual ~Session() = default;
  virtual Dialect dialect() const = 0;
  /// The connection for several statements (`read_only`: they only read).
  virtual awaitable<std::shared_ptr<runtime::Lease>> lease(bool read_only) = 0;
  /// Runs one statement's driver work; by default on the lease's connection.
  /// `entry`, when given, is the same statement in a form that a pool may
  /// pipeline with other callers' (null: the work must run as it is).
  virtual awaitable<void> run(bool read_only, const Work& work, const runtime::PipelineEntry* entry);
};

/// The session of a held connection: every statement on its lease.
class LeaseSession : public Session {
 public:
  explicit LeaseSession(std::shared_ptr<runtime::Lease> lease) : dialect_(lease->dialect), lease_(std::move(lease)) {}
  Dialect dialect() const override { return dialect_; }
  awaitable<std::shared_ptr<runtime::Lease>> lease(bool read_only) override;

 protected:
  Dialect dialect_;
  std::shared_ptr<runtime::Lease> lease_;  // null once a transaction has ended
};

/// A transaction's session: its lease until committed or rolled back.
class TransactionSession final : public LeaseSession {
 public:
  TransactionSession(std::shared_ptr<runtime::Lease> lease, int level)
      : LeaseSession(std::move(lease)), level_(level) {}
  /// Marks the level abandoned if still active: rolled back before the connection's next use.
  ~TransactionSession() override;
  awaitable<std::shared_ptr<runtime::Lease>> lease(bool read_only) override;
  /// Refuses a statement once the database itself ended the transaction (see run's definition).
  awaitable<void> run(bool read_only, const Work& work, const runtime::PipelineEntry* entry) override;

  bool is_active() const { return active_; }
  awaitable<void> commit();
  awaitable<void> rollback();

 private:
  int level_;  // the connection's depth while this transaction is open
  bool active_ = true;
};

}  // namespace starling::db::detail

#pragma once
// A bounded pool of backend connections. Callers that find it full wait in
// order (FIFO) up to acquire_timeout, then get PoolTimeout. Single statements
// queue as work, not as callers: the driver thread that finishes one runs the
// next on the same connection, with no round trip through the caller's loop.
// A connection goes back clean: the lease rolls back what it left open.

#include "backends/backend.hpp"
#include "runtime/driver_threads.hpp"
#include "runtime/spin.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace starling::db::runtime {

/// A backend connection and what the runtime knows of its state.
struct PooledConnection {
  std::unique_ptr<backend::Connection> backend;
  int depth = 0;       ///< open transaction levels (1 = a transaction, 2+ = savepoints)
  int base_depth = 0;  ///< levels that outlive a lease (force_rollback's transaction)
  bool from_idle = false;  ///< came from the idle list: check it still answers before use
  bool broken = false;     ///< failed in a way that makes it unusable: dropped, not reused
  int abandoned_level = 0; ///< a transaction dropped while active: roll back to below it before the next query
  /// PostgreSQL under force_rollback: a failed statement would abort the base
  /// transaction and every query after it, so each runs in a savepoint of its own.
  bool contain_statements = false;
};

struct PoolSettings {
  std::size_t min_size = 1;
  std::size_t max_size = 10;
  std::chrono::milliseconds acquire_timeout{10'000};
  std::function<std::unique_ptr<backend::Connection>()> open;  ///< runs on a driver thread
  std::function<void(PooledConnection&)> prepare;               ///< after opening: setup hook, base transaction
  std::function<void(PooledConnection&)> finish;                ///< before closing: force_rollback's rollback
  std::string description;                                      ///< for messages: the URL, password obscured
  std::string timeout_hint;                                     ///< ends PoolTimeout's message, when set
};

/// A statement run through the pool that may share a round trip with other
/// callers' queued statements (backend::Connection::run_pipeline): what it
/// runs, and what the caller makes of its result (on the driver thread; may throw).
struct PipelineEntry {
  backend::PipelineStatement statement;
  std::function<void(backend::Result&)> take;
};

struct PoolCounts {
  std::size_t size = 0;     ///< connections open or opening
  std::size_t in_use = 0;   ///< handed out
  std::size_t waiting = 0;  ///< callers waiting for one
  std::uint64_t pipelined = 0;  ///< statements run in a pipeline of several, ever
};

class Pool : public std::enable_shared_from_this<Pool> {
 public:
  /// Driver work on one connection, run on a driver thread.
  using Work = std::function<void(PooledConnection&)>;

  Pool(PoolSettings settings, std::shared_ptr<DriverThreads> threads);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  /// Opens min_size connections. @throws ConnectionError when the first cannot be opened.
  awaitable<void> open();
  /// Runs `work` on the first connection free, in turn with acquire() (FIFO),
  /// without lending the connection out: a driver thread that finishes one
  /// statement goes straight on to the next one queued for this pool.
  /// @throws PoolTimeout, ConnectionError, and what `work` throws.
  /// With `entry` (the same statement, in a form the backend can pipeline), a
  /// driver thread may run it together with other callers' queued entries.
  /// (Static: the caller's frame keeps the pool alive until the work is done.)
  static awaitable<void> run(std::shared_ptr<Pool> pool, const Work& work, const PipelineEntry* entry = nullptr);
  /// A connection lent to the caller (transactions, held connections, streams).
  /// @throws PoolTimeout, ConnectionError.
  awaitable<std::unique_ptr<PooledConnection>> acquire();
  /// Takes a connection back (from any thread, without blocking): rolled back
  /// to its base depth on a driver thread if needed, dropped if broken.
  void release(std::unique_ptr<PooledConnection> connection);
  /// On a driver thread, before work: a connection that sat idle is checked and,
  /// found dead (PostgreSQL restarted, socket killed), replaced. @throws
  /// ConnectionError if it held a base transaction (force_rollback), whose work
  /// is lost, or cannot reconnect.
  void revive(PooledConnection& connection);
  /// Closes the idle connections and every connection released from now on;
  /// callers still waiting get ConnectionError.
  awaitable<void> close();

  PoolCounts counts() const;
  DriverThreads& threads() { return *threads_; }

 private:
  using Clock = std::chrono::steady_clock;
  struct Request;
  using RequestPtr = std::shared_ptr<Request>;

  std::unique_ptr<PooledConnection> take_idle();
  bool submit(RequestPtr request);
  void serve(std::unique_ptr<PooledConnection> connection, RequestPtr request);
  void drive(std::unique_ptr<PooledConnection> connection, RequestPtr request);
  void run_alone(PooledConnection& connection, RequestPtr request, std::vector<Answer>& answers);
  void join_pipeline(const PooledConnection& connection, std::vector<RequestPtr>& batch);
  void put_back(std::vector<RequestPtr>& batch, std::size_t from);
  void run_pipeline(PooledConnection& connection, std::vector<RequestPtr>& batch, std::vector<Answer>& answers);
  void open_for(RequestPtr request);
  RequestPtr next_or_idle(std::unique_ptr<PooledConnection>& connection, bool settled = false,
                          std::vector<Answer>* answers = nullptr);
  void hold_or_release(std::vector<Answer>& answers, const RequestPtr& next);
  void give_back(std::unique_ptr<PooledConnection> connection);
  void drop(std::unique_ptr<PooledConnection> connection);
  void expire_waiting();
  void count_waiting() { waiting_count_.store(waiting_.size(), std::memory_order_release); }
  std::string timeout_message() const;
  std::exception_ptr closed_while_waiting() const;

  PoolSettings settings_;
  std::shared_ptr<DriverThreads> threads_;
  mutable BriefMutex mutex_;
  std::vector<std::unique_ptr<PooledConnection>> idle_;
  std::deque<RequestPtr> waiting_;  // oldest first, so also in order of deadline
  // waiting_.size(), readable without the lock (count_waiting): a driver
  // thread tells whether anything could join its statement without taking the
  // lock. A line of its own, away from the lock that callers take.
  alignas(64) std::atomic<std::size_t> waiting_count_{0};
  alignas(64) std::size_t size_ = 0;
  bool closed_ = false;
  std::atomic<std::uint64_t> pipelined_{0};
  std::atomic<std::size_t> settling_{0};  // connections between their caller's answer and idle
  std::vector<Answer> held_;              // answers held back while many requests queue (see hold_or_release)
  // Fails requests that waited past acquire_timeout; started the first time one waits.
  std::thread sweeper_;
  std::condition_variable_any sweeper_wake_;
  std::uint64_t queued_ = 0;                // requests ever queued: tells the sweeper whether any came
  bool sweeper_sleeps_until_woken_ = false;  // else it wakes by itself before any queued request expires
};

// Transaction levels, run on a driver thread: level 1 is BEGIN/COMMIT/ROLLBACK,
// deeper levels are savepoints. Each @throws a db::Error when the database does.
void begin_level(PooledConnection& connection);
void commit_level(PooledConnection& connection);
void rollback_level(PooledConnection& connection);
/// Rolls back every level above the base (what a released lease left open),
/// and a transaction opened by hand (a raw BEGIN) on a connection without a base.
void roll_back_to_base(PooledConnection& connection);
/// Whether the connection would go back to the pool inside a transaction.
bool leaves_transaction_open(const PooledConnection& connection);
/// Runs one statement inside a savepoint of its own, so that its failure undoes only itself.
void run_contained(PooledConnection& connection, const std::function<void()>& statement);
/// Runs one statement; with `contain_statements` at the base depth, contained
/// (see run_contained). @throws what it throws.
template <class Statement>
void run_statement(PooledConnection& connection, const Statement& statement) {
  if (!connection.contain_statements || connection.depth != connection.base_depth) return statement();
  run_contained(connection, statement);
}

}  // namespace starling::db::runtime

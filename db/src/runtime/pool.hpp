#pragma once
// A bounded pool of backend connections (the model: runtime/README.md).
// Callers that find it full wait in order (FIFO) up to acquire_timeout, then
// get PoolTimeout. Single statements queue as work, not as callers: the driver
// thread that finishes one runs the next on the same connection, and may run
// several queued ones in one round trip (pipelining). A connection goes back
// clean: the lease rolls back what it left open.

#include "runtime/driver_threads.hpp"
#include "runtime/pooled_connection.hpp"
#include "runtime/transaction_levels.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace starling::db::runtime {

struct PoolSettings {
  std::size_t min_size = 1;
  std::size_t max_size = 10;
  std::chrono::milliseconds acquire_timeout{10'000};
  bool pipeline = true;  ///< queued statements may share a round trip (see Pool::run)
  std::function<std::unique_ptr<backend::Connection>()> open;  ///< runs on a driver thread
  std::function<void(PooledConnection&)> prepare;              ///< after opening: setup hook, base transaction
  std::function<void(PooledConnection&)> finish;               ///< before closing: force_rollback's rollback
  std::string description;                                     ///< for messages: the URL, password obscured
  std::string timeout_hint;                                    ///< ends PoolTimeout's message, when set
};

/// A statement run through the pool that may share a round trip with other
/// callers' queued statements (backend::Connection::run_pipeline): what it
/// runs, and what the caller makes of its result (on the driver thread; may throw).
struct PipelineEntry {
  backend::PipelineStatement statement;
  std::function<void(backend::Result&)> take;
};

struct PoolCounts {
  std::size_t size = 0;         ///< connections open or opening
  std::size_t in_use = 0;       ///< handed out
  std::size_t waiting = 0;      ///< callers waiting for one
  std::uint64_t pipelined = 0;  ///< statements run in a pipeline of several, ever
  std::uint64_t timeouts = 0;   ///< callers that waited past acquire_timeout, ever
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
  /// without lending the connection out. With `entry` (the same statement, in
  /// a form the backend can pipeline) and `pipeline` set, a driver thread may
  /// run it together with the statements queued behind it.
  /// @throws PoolTimeout, ConnectionError, and what `work` throws.
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
  // Someone waiting for a connection: work to run on it, or (work null) a
  // caller to lend it to. Completed exactly once: by the thread that serves
  // it, by the sweeper past its deadline, or by close().
  struct Request {
    const Work* work = nullptr;            // lives in the caller's suspended frame
    const PipelineEntry* entry = nullptr;  // the same work as a pipelinable statement, if it is one
    std::shared_ptr<Completion> completion;
    std::unique_ptr<PooledConnection> connection;  // a lent connection, handed over here
    Clock::time_point deadline;
  };
  using RequestPtr = std::shared_ptr<Request>;

  std::unique_ptr<PooledConnection> take_idle();
  void submit(RequestPtr request);
  void serve(std::unique_ptr<PooledConnection> connection, RequestPtr request);
  void drive(std::unique_ptr<PooledConnection> connection, RequestPtr request);
  void run_alone(PooledConnection& connection, const Request& request, std::vector<Answer>& answers);
  // Pipelining (pool_pipeline.cpp).
  void join_pipeline(const PooledConnection& connection, std::vector<RequestPtr>& batch);
  void put_back(std::vector<RequestPtr>& batch, std::size_t from);
  void run_pipeline(PooledConnection& connection, const std::vector<RequestPtr>& batch, std::vector<Answer>& answers);

  void open_for(RequestPtr request);
  RequestPtr next_or_idle(std::unique_ptr<PooledConnection>& connection, bool settled = false);
  void give_back(std::unique_ptr<PooledConnection> connection);
  void drop(std::unique_ptr<PooledConnection> connection);
  void expire_waiting();
  std::string timeout_message() const;
  std::exception_ptr closed_while_waiting() const;

  PoolSettings settings_;
  std::shared_ptr<DriverThreads> threads_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<PooledConnection>> idle_;
  std::deque<RequestPtr> waiting_;  // oldest first, so also in order of deadline
  std::size_t size_ = 0;
  bool closed_ = false;
  std::atomic<std::size_t> settling_{0};  // connections between their caller's answer and idle
  std::atomic<std::uint64_t> pipelined_{0};
  // Fails requests that waited past acquire_timeout; started the first time one waits.
  std::thread sweeper_;
  std::condition_variable sweeper_wake_;
  std::uint64_t queued_ = 0;                 // requests ever queued: tells the sweeper whether any came
  std::uint64_t timeouts_ = 0;               // requests the sweeper failed with PoolTimeout
  bool sweeper_sleeps_until_woken_ = false;  // else it wakes by itself before any queued request expires
};

}  // namespace starling::db::runtime

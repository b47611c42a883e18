#pragma once
// The threads a Database owns: every driver call runs here, never on the
// caller's event loop, and the caller co_awaits the result.

#include <starling/db/async.hpp>

#include "runtime/completion.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace starling::db::runtime {

class DriverThreads {
 public:
  using Task = std::function<void()>;

  /// `threads` threads, of which at most `running_limit` run at once (0: no
  /// limit), not counting one whose job has run longer than kStall: for CPU
  /// work (SQLite), where threads beyond the free cores only take turns, while
  /// a long query, a lock wait or an fsync still holds up no one for long.
  explicit DriverThreads(std::size_t threads, std::size_t running_limit = 0);
  /// Joins the threads; destroyed on one of them (the last connection went back
  /// from a driver job), it lets them finish on their own instead.
  ~DriverThreads();
  DriverThreads(const DriverThreads&) = delete;
  DriverThreads& operator=(const DriverThreads&) = delete;

  /// Runs `job` on a driver thread and resumes the caller on its own executor
  /// once it is done, rethrowing what `job` threw. `job` is used in place: the
  /// caller's frame, where it lives, stays suspended until then.
  awaitable<void> run(const std::function<void()>& job);

  template <class T>
  awaitable<T> run(const std::function<T()>& job) {
    std::optional<T> result;
    const std::function<void()> store = [&] { result.emplace(job()); };
    co_await run(store);
    co_return std::move(*result);
  }

  /// Resumes once no task is queued or running: connections closed by then
  /// are closed for good (disconnect() returns only after that).
  awaitable<void> until_idle();

  /// Runs `task` on a driver thread without waiting for it (`task` must not throw).
  void post(Task task);
  /// Whether tasks are waiting for a thread (a thread with more work of its own
  /// then queues it behind them instead of going on: no pool starves another).
  bool has_waiting_tasks() const;

  /// How long a job runs before its thread stops counting against the running limit.
  static constexpr std::chrono::microseconds kStall{1000};
  /// On a driver thread, as a task starts its next job (the pool's driver runs
  /// several in one task): restarts the thread's kStall clock.
  static void starting_job();

 private:
  struct Queue;
  std::shared_ptr<Queue> queue_;  // shared with the threads: outlives a detached one
  std::vector<std::thread> threads_;
};

}  // namespace starling::db::runtime

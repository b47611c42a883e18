#pragma once
// How a caller suspended on driver work gets its result back. The driver
// thread completes a Completion; the caller's coroutine resumes on its own
// executor. A caller expecting a short job polls for it through its event
// loop (other handlers still run in between) instead of sleeping: being woken
// costs more than a SQLite point query.

#include <starling/db/async.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <vector>

namespace starling::db::runtime {

class Completion;

/// A finished job's answer for its caller.
struct Answer {
  std::shared_ptr<Completion> completion;
  std::exception_ptr error;
};

class Completion {
 public:
  virtual ~Completion() = default;
  /// From any thread, once: resumes the caller, rethrowing `error` if set.
  void complete(std::exception_ptr error = nullptr);
  /// complete() for each, in order, and empties `answers`. The sleeping callers
  /// that share an executor resume through one posted handler, in order: each
  /// post takes the loop's lock, which its thread takes for every handler it
  /// runs, so one post per answer kept the two threads queuing for it.
  static void complete_all(std::vector<Answer>& answers);
  /// Whether the caller sleeps until complete() posts its resumption (it does
  /// not poll): answering it wakes its thread.
  bool is_parked() const noexcept { return state_.load(std::memory_order_relaxed) == parked; }

 protected:
  enum State : int { polling, parked, done };
  explicit Completion(bool poll) : state_(poll ? polling : parked) {}
  /// Resumes the caller through its executor (not inline: we may be on a driver thread).
  virtual void post_resume() = 0;
  /// Whether `other`'s caller resumes on the same executor as this one's.
  virtual bool shares_executor_with(const Completion& other) const = 0;
  /// post_resume() for each of `group` in one handler, in order: this one is
  /// its first, and the others share its executor.
  virtual void post_resume_of(std::vector<std::shared_ptr<Completion>> group) = 0;

  std::atomic<int> state_;
  std::exception_ptr error_;
};

/// How a caller waits for its work.
enum class Wait {
  park,           ///< sleeps until the work is done (posted resumption): long or unknown work
  poll,           ///< polls, unless another caller on its thread already polls: short work
  poll_if_alone,  ///< polls only when nothing else on its thread is waiting: work of up to kPollBudget
};

/// How long a caller polls before it parks instead.
inline constexpr std::chrono::microseconds kPollBudget{200};

/// What starts the work: hands `completion` to whoever will complete it and
/// answers how to wait for it. It must not throw: errors go through the completion.
using Start = std::function<Wait(const std::shared_ptr<Completion>& completion)>;

/// Runs `start` and suspends until its completion; rethrows the work's error.
awaitable<void> wait_for(const Start& start);

}  // namespace starling::db::runtime

#pragma once
// How a caller suspended on driver work gets its result back. The driver
// thread completes a Completion; the caller's coroutine resumes on its own
// executor. A caller expecting a short job polls for it through its event
// loop (other handlers still run in between) instead of sleeping: being woken
// costs more than a SQLite point query.

#include <starling/db/async.hpp>

#include <atomic>
#include <exception>
#include <functional>
#include <memory>

namespace starling::db::runtime {

class Completion {
 public:
  virtual ~Completion() = default;
  /// From any thread, once: resumes the caller, rethrowing `error` if set.
  void complete(std::exception_ptr error = nullptr);

 protected:
  enum State : int { polling, parked, done };
  explicit Completion(bool poll) : state_(poll ? polling : parked) {}
  /// Resumes the caller through its executor (not inline: we may be on a driver thread).
  virtual void post_resume() = 0;

  std::atomic<int> state_;
  std::exception_ptr error_;
};

/// What starts the work: hands `completion` to whoever will complete it and
/// answers whether the work is expected to be short (the caller then polls).
/// It must not throw: errors go through the completion.
using Start = std::function<bool(const std::shared_ptr<Completion>& completion)>;

/// Runs `start` and suspends until its completion; rethrows the work's error.
awaitable<void> wait_for(const Start& start);

}  // namespace starling::db::runtime

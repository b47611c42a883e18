#pragma once
// How a caller suspended on driver work gets its result back: the driver
// thread completes a Completion, which posts the caller's resumption to the
// caller's own executor (never inline: the driver thread must not run it).

#include <starling/db/async.hpp>

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
  /// complete() for each, in order, and empties `answers`. The callers that
  /// share an executor (a pipeline's, often) resume through one posted handler.
  static void complete_all(std::vector<Answer>& answers);

 protected:
  /// Resumes the caller through its executor.
  virtual void post_resume() = 0;
  /// Whether `other`'s caller resumes on the same executor as this one's.
  virtual bool shares_executor_with(const Completion& other) const = 0;
  /// post_resume() for each of `group` in one handler, in order: this one is
  /// its first, and the others share its executor.
  virtual void post_resume_of(std::vector<std::shared_ptr<Completion>> group) = 0;

  std::exception_ptr error_;
};

/// What starts the work: hands `completion` to whoever will complete it. It
/// must not throw: errors go through the completion.
using Start = std::function<void(const std::shared_ptr<Completion>& completion)>;

/// Runs `start` and suspends until its completion; rethrows the work's error.
awaitable<void> wait_for(const Start& start);

}  // namespace starling::db::runtime

#pragma once
/// @file background.hpp
/// Work attached to a response, run once the response is sent (Starlette's
/// BackgroundTasks): an email after a sign-up, a cache refresh after a write.
///
///     auto response = JSONResponse(note, 201);
///     response.background.add([id]() -> awaitable<void> { co_await audit(id); });
///     co_return response;

#include <starling/types.hpp>

#include <functional>
#include <type_traits>
#include <utility>
#include <vector>

namespace starling {

namespace detail {
/// Runs `fn` on Starling's worker pool; resumes the caller on its executor.
awaitable<void> run_void_in_threadpool(std::function<void()> fn);
}  // namespace detail

/// Tasks run in the order added, after the response has gone out. A task that
/// throws is logged; the tasks after it still run, and the response (already
/// sent) never changes. The server finishes them before a graceful shutdown ends
/// (within its shutdown timeout); the TestClient before its request returns.
class BackgroundTasks {
 public:
  /// `fn` is `awaitable<void>()`, run on the event loop, or a plain `void()`,
  /// run on the worker pool (so blocking work never stalls the loop).
  template <class F>
  void add(F fn) {
    using Result = std::invoke_result_t<F&>;
    if constexpr (std::is_void_v<Result>) {
      tasks_.emplace_back([fn = std::move(fn)]() -> awaitable<void> { return detail::run_void_in_threadpool(fn); });
    } else {
      static_assert(std::is_convertible_v<Result, awaitable<void>>,
                    "a background task returns awaitable<void> or void");
      tasks_.emplace_back(std::move(fn));
    }
  }

  bool empty() const { return tasks_.empty(); }
  std::size_t size() const { return tasks_.size(); }

  /// Runs every task in order, logging each failure. Never throws.
  awaitable<void> run();

 private:
  std::vector<std::function<awaitable<void>()>> tasks_;
};

}  // namespace starling

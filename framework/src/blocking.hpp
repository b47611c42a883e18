#pragma once
// Blocking work (a file read, a sync endpoint) on Starling's worker pool, the
// caller resuming on its own executor when it is done.

#include <starling/types.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>

namespace starling::detail {

/// The worker pool (set_threadpool_size sets its size before first use).
boost::asio::thread_pool& worker_pool();

/// How many run_blocking calls are between their start and the moment they let
/// go of their caller's event loop. A loop must not be destroyed before.
std::atomic<std::size_t>& blocking_calls();

/// Blocks until no run_blocking call holds an event loop, or `timeout` passed;
/// true when none does.
bool wait_for_blocking_calls(std::chrono::milliseconds timeout);

/// Runs `fn` on the worker pool; its result or exception comes back to the caller.
template <class T>
awaitable<T> run_blocking(std::function<T()> fn) {
  namespace asio = boost::asio;
  // Post the work to the pool, then post the result back to the caller's
  // executor; the work guard keeps the caller's event loop alive meanwhile.
  // (Boost 1.81's co_spawn across executors lost a completion about once in a
  // few hundred runs here, so this stays explicit.)
  auto initiate = [&fn](auto handler) {
    blocking_calls().fetch_add(1);
    auto work = asio::make_work_guard(asio::get_associated_executor(handler));
    asio::post(worker_pool(), [fn = std::move(fn), handler = std::move(handler), work = std::move(work)]() mutable {
      std::exception_ptr error;
      T result{};
      try {
        result = fn();
      } catch (...) {
        error = std::current_exception();
      }
      auto executor = work.get_executor();
      asio::post(executor, [handler = std::move(handler), error, result = std::move(result)]() mutable {
        std::move(handler)(error, std::move(result));
      });
      work.reset();
      blocking_calls().fetch_sub(1);  // last: the loop may go from here on
    });
  };
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>, void(std::exception_ptr, T)>(
      initiate, asio::use_awaitable);
}

}  // namespace starling::detail

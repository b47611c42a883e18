#include <starling/responses.hpp>
#include <starling/routing.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>

namespace starling {
namespace {

namespace asio = boost::asio;

// Starlette's default is 40 threads (anyio); a blocking C++ endpoint rarely
// needs that many, and each thread costs a stack.
std::atomic<std::size_t> pool_size{16};

asio::thread_pool& pool() {
  static asio::thread_pool instance(pool_size.load());
  return instance;
}

}  // namespace

void set_threadpool_size(std::size_t threads) { pool_size.store(threads == 0 ? 1 : threads); }

awaitable<Response> run_in_threadpool(std::function<Response()> fn) {
  // Post the work to the pool, then post the result back to the caller's
  // executor; the work guard keeps the caller's event loop alive meanwhile.
  // (Boost 1.81's co_spawn across executors lost a completion about once in a
  // few hundred runs here, so this stays explicit.)
  auto initiate = [&fn](auto handler) {
    auto work = asio::make_work_guard(asio::get_associated_executor(handler));
    asio::post(pool(), [fn = std::move(fn), handler = std::move(handler), work = std::move(work)]() mutable {
      std::exception_ptr error;
      Response response;
      try {
        response = fn();
      } catch (...) {
        error = std::current_exception();
      }
      auto executor = work.get_executor();
      asio::post(executor, [handler = std::move(handler), error, response = std::move(response)]() mutable {
        std::move(handler)(error, std::move(response));
      });
      work.reset();
    });
  };
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>, void(std::exception_ptr, Response)>(
      initiate, asio::use_awaitable);
}

}  // namespace starling

#include <starling/responses.hpp>
#include <starling/routing.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>

namespace starling {
namespace {

// Starlette's default is 40 threads (anyio); a blocking C++ endpoint rarely
// needs that many, and each thread costs a stack.
std::atomic<std::size_t> pool_size{16};

boost::asio::thread_pool& pool() {
  static boost::asio::thread_pool instance(pool_size.load());
  return instance;
}

}  // namespace

void set_threadpool_size(std::size_t threads) { pool_size.store(threads == 0 ? 1 : threads); }

awaitable<Response> run_in_threadpool(std::function<Response()> fn) {
  // The body runs on the pool; the caller resumes on its own executor.
  co_return co_await boost::asio::co_spawn(
      pool(), [&fn]() -> awaitable<Response> { co_return fn(); }, boost::asio::use_awaitable);
}

}  // namespace starling

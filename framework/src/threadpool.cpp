#include <starling/responses.hpp>
#include <starling/routing.hpp>

#include "blocking.hpp"

#include <atomic>

namespace starling {
namespace {

// Starlette's default is 40 threads (anyio); a blocking C++ endpoint rarely
// needs that many, and each thread costs a stack.
std::atomic<std::size_t> pool_size{16};

}  // namespace

boost::asio::thread_pool& detail::worker_pool() {
  static boost::asio::thread_pool instance(pool_size.load());
  return instance;
}

void set_threadpool_size(std::size_t threads) { pool_size.store(threads == 0 ? 1 : threads); }

awaitable<Response> run_in_threadpool(std::function<Response()> fn) {
  return detail::run_blocking<Response>(std::move(fn));
}

}  // namespace starling

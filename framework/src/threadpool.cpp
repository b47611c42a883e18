#include <starling/responses.hpp>
#include <starling/routing.hpp>

#include "blocking.hpp"

#include <atomic>
#include <thread>

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

std::atomic<std::size_t>& detail::blocking_calls() {
  static std::atomic<std::size_t> count{0};
  return count;
}

bool detail::wait_for_blocking_calls(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (blocking_calls().load() != 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void set_threadpool_size(std::size_t threads) { pool_size.store(threads == 0 ? 1 : threads); }

awaitable<Response> run_in_threadpool(std::function<Response()> fn) {
  return detail::run_blocking<Response>(std::move(fn));
}

}  // namespace starling

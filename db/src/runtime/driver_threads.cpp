#include "runtime/driver_threads.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>

namespace starling::db::runtime {

namespace asio = boost::asio;

namespace {

// How long a driver thread that just finished a job keeps polling for the next
// one before it sleeps. Queries come in bursts (a coroutine's next query, a
// pool's next waiter); going to sleep and being woken costs more than a query.
constexpr auto kSpin = std::chrono::microseconds(50);

// One thread at a time spins: on a small machine, more would only steal the
// cores the callers and the database need.
void drive(asio::io_context& context, std::atomic<bool>& spinning) {
  using Clock = std::chrono::steady_clock;
  auto last_work = Clock::now();
  for (;;) {
    if (context.poll() > 0) {
      last_work = Clock::now();
      continue;
    }
    if (context.stopped()) return;
    if (Clock::now() - last_work < kSpin && !spinning.exchange(true)) {
      std::size_t ran = 0;
      while (ran == 0 && Clock::now() - last_work < kSpin && !context.stopped()) {
        ran = context.poll_one();
        if (ran == 0) std::this_thread::yield();
      }
      spinning.store(false);
      if (ran > 0) {
        last_work = Clock::now();
        continue;
      }
    }
    if (context.run_one() == 0) return;  // stopped: no work left and no guard
    last_work = Clock::now();
  }
}

}  // namespace

DriverThreads::DriverThreads(std::size_t threads)
    : context_(std::make_shared<Context>()), work_(asio::make_work_guard(*context_)) {
  auto spinning = std::make_shared<std::atomic<bool>>(false);
  for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i)
    threads_.emplace_back([context = context_, spinning] { drive(*context, *spinning); });
}

DriverThreads::~DriverThreads() {
  work_.reset();
  const bool on_own_thread = std::ranges::any_of(threads_, [](const std::thread& thread) {
    return thread.get_id() == std::this_thread::get_id();
  });
  for (auto& thread : threads_) {
    // A thread cannot join itself, and the others wait for the job running
    // this destructor: let them all end when the remaining work is done.
    if (on_own_thread) thread.detach();
    else thread.join();
  }
}

awaitable<void> DriverThreads::run(const std::function<void()>& job) {
  // Post the job, then post its outcome back to the caller's executor; the work
  // guard keeps the caller's loop alive meanwhile. (Boost 1.81's co_spawn across
  // executors lost a completion about once in a few hundred runs, so this stays
  // explicit, as in the framework's run_in_threadpool.)
  auto initiate = [this, &job](auto handler) {
    auto work = asio::make_work_guard(asio::get_associated_executor(handler));
    asio::post(*context_, [&job, handler = std::move(handler), work = std::move(work)]() mutable {
      std::exception_ptr error;
      try {
        job();
      } catch (...) {
        error = std::current_exception();
      }
      auto executor = work.get_executor();
      asio::post(executor, [handler = std::move(handler), error]() mutable { std::move(handler)(error); });
      work.reset();
    });
  };
  co_await asio::async_initiate<const asio::use_awaitable_t<>, void(std::exception_ptr)>(initiate,
                                                                                        asio::use_awaitable);
}

void DriverThreads::post(std::function<void()> job) { asio::post(*context_, std::move(job)); }

}  // namespace starling::db::runtime

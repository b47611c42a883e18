#include "runtime/driver_threads.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

namespace starling::db::runtime {
namespace {

// Occupies `count` driver threads until released.
class BusyThreads {
 public:
  BusyThreads(DriverThreads& threads, std::size_t count) : release_(released_.get_future().share()) {
    for (std::size_t i = 0; i < count; ++i)
      threads.post([this, release = release_] {  // a copy: the wait may return after this is gone
        ++started_;
        release.wait();
      });
    while (started_.load() < count) std::this_thread::yield();
  }
  ~BusyThreads() { released_.set_value(); }
  BusyThreads(const BusyThreads&) = delete;
  BusyThreads& operator=(const BusyThreads&) = delete;

 private:
  std::promise<void> released_;
  std::shared_future<void> release_;
  std::atomic<std::size_t> started_{0};
};

void time_jobs(DriverThreads& threads, std::chrono::microseconds each, int count) {
  for (int i = 0; i < count; ++i) {
    std::promise<void> done;
    threads.post([&] {
      {
        const DriverThreads::JobTimer timer(threads);
        std::this_thread::sleep_for(each);
      }
      done.set_value();
    });
    done.get_future().wait();
  }
}

const std::size_t kCores = std::max(1u, std::thread::hardware_concurrency());

TEST(DriverThreads, AQueuedCallerPollsOnlyWhileACoreIsLeftOverFromTheDriverThreads) {
  DriverThreads threads(kCores);
  // No job timed yet: jobs count as short.
  EXPECT_EQ(threads.expected_wait(false), Wait::poll);  // nothing busy: polling costs the drivers nothing
  {
    const BusyThreads busy(threads, kCores);  // every core has a driver thread at work
    EXPECT_EQ(threads.expected_wait(false), Wait::park);  // queued: a while yet, and no core to spare
    EXPECT_EQ(threads.expected_wait(true), Wait::poll);   // started, and short: worth a look
  }
}

TEST(DriverThreads, CallersParkForJobsLongerThanThePollBudget) {
  DriverThreads threads(1);
  time_jobs(threads, kPollBudget * 10, 30);  // the moving average follows them
  EXPECT_EQ(threads.expected_wait(true), Wait::park);
  EXPECT_EQ(threads.expected_wait(false), Wait::park);
}

}  // namespace
}  // namespace starling::db::runtime

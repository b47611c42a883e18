#include "runtime/driver_threads.hpp"

#include "support/busy_threads.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

namespace starling::db::runtime {
namespace {

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
    const test::BusyThreads busy(threads, kCores);  // every core has a driver thread at work
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

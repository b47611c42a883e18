// DriverThreads' scheduling: the running limit, and a job stalled past kStall no longer counting against it.
#include "runtime/driver_threads.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace starling::db::runtime {
namespace {

// Jobs that note, as each starts, whether another is running: under a
// running limit of 1, a job starts beside another only once that one has run
// for kStall (it counts as stalled). The pool starts a job's kStall when it
// takes the job, a moment before the job itself runs (longer if a busy machine
// holds up its thread), so the log counts only overlaps it can prove wrong:
// both jobs started within kStall of being posted, so the pool took the second
// within kStall of the first, however late either ran.
class OverlapLog {
 public:
  using Clock = std::chrono::steady_clock;

  // Posts `count` jobs at once, each taking `each` (asleep: a busy machine
  // delays them less than a job that needs a core), and waits for them.
  void run(DriverThreads& threads, int count, std::chrono::microseconds each) {
    posted_ = Clock::now();  // before the pool can take any of them
    std::atomic<int> finished{0};
    for (int i = 0; i < count; ++i)
      threads.post([&, each] {
        const auto started = start();
        std::this_thread::sleep_for(each);
        end(started);
        ++finished;
      });
    while (finished.load() < count) std::this_thread::yield();
  }

  int overlaps = 0;           // jobs that started beside another
  int beside_fresh_ones = 0;  // ... both within kStall of being posted: the other had not stalled

 private:
  Clock::time_point start() {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    if (!running_.empty()) {
      ++overlaps;
      if (now - posted_ < DriverThreads::kStall) ++beside_fresh_ones;
    }
    running_.push_back(now);
    return now;
  }
  void end(Clock::time_point started) {
    std::lock_guard lock(mutex_);
    std::erase(running_, started);
  }

  std::mutex mutex_;
  Clock::time_point posted_;
  std::vector<Clock::time_point> running_;
};

TEST(DriverThreads, NoMoreThanTheRunningLimitRunAtOnce) {
  // Rounds of as many jobs as threads: the log checks each round's first kStall.
  DriverThreads limited(3, 1);
  OverlapLog limited_log;
  for (int round = 0; round < 10; ++round) limited_log.run(limited, 3, std::chrono::microseconds(400));
  EXPECT_EQ(limited_log.beside_fresh_ones, 0);

  // Without the limit the jobs overlap and the log tells: the check above can
  // fail. (More rounds if a busy machine woke the threads too late to tell.)
  DriverThreads unlimited(3);
  OverlapLog unlimited_log;
  const auto give_up = OverlapLog::Clock::now() + std::chrono::seconds(5);
  do unlimited_log.run(unlimited, 3, std::chrono::microseconds(400));
  while (unlimited_log.beside_fresh_ones == 0 && OverlapLog::Clock::now() < give_up);
  EXPECT_GT(unlimited_log.beside_fresh_ones, 0);
}

TEST(DriverThreads, AJobRunningLongerThanTheStallTimeNoLongerCountsAgainstTheLimit) {
  std::promise<void> release;
  std::promise<void> long_job_started;
  std::atomic<bool> long_job_done{false};
  std::promise<void> quick_done;
  DriverThreads threads(2, 1);  // after what its jobs use: it ends first
  threads.post([&, released = release.get_future().share()] {
    long_job_started.set_value();
    released.wait();  // a slow query, a lock wait
    long_job_done = true;
  });
  long_job_started.get_future().wait();
  threads.post([&] { quick_done.set_value(); });
  const bool ran_beside = quick_done.get_future().wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  EXPECT_TRUE(ran_beside);
  EXPECT_FALSE(long_job_done.load());
  release.set_value();
}

}  // namespace
}  // namespace starling::db::runtime

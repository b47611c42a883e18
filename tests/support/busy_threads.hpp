#pragma once
/// @file busy_threads.hpp
/// Keeps driver threads busy for a test, as long-running driver work would.

#include "runtime/driver_threads.hpp"

#include <atomic>
#include <cstddef>
#include <future>
#include <thread>

namespace starling::test {

// Occupies `count` driver threads until released.
class BusyThreads {
 public:
  BusyThreads(db::runtime::DriverThreads& threads, std::size_t count) : release_(released_.get_future().share()) {
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

}  // namespace starling::test

#pragma once
// Busy-waiting for what another core is about to publish: cheaper than
// sleeping and being woken when the wait is a few microseconds.

#include <chrono>
#include <mutex>
#include <thread>

namespace starling::db::runtime {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

/// Polls `ready` for up to `budget`: first with the CPU's pause hint, after
/// `yield_after` by giving the core to other threads between checks (on a
/// busy machine they are the ones that make `ready` true). Answers `ready()`.
template <class Ready>
bool spin_until(const Ready& ready, std::chrono::nanoseconds budget,
                std::chrono::nanoseconds yield_after = std::chrono::nanoseconds::max()) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  for (;;) {
    for (int i = 0; i < 16; ++i) {  // the clock is read every few checks only
      if (ready()) return true;
      cpu_relax();
    }
    const auto spent = Clock::now() - start;
    if (spent >= budget) return ready();
    if (spent >= yield_after) std::this_thread::yield();
  }
}

/// A mutex for sections of a few instructions that two threads enter at about
/// the same time (a caller queuing its next query as the driver thread looks
/// for one). It spins for a moment before sleeping: a plain mutex goes to the
/// kernel at once, and the sleep and wake-up cost far more than the wait.
class BriefMutex {
 public:
  void lock() {
    for (int i = 0; i < 64; ++i) {
      if (mutex_.try_lock()) return;
      cpu_relax();
    }
    mutex_.lock();
  }
  bool try_lock() { return mutex_.try_lock(); }
  void unlock() { mutex_.unlock(); }

 private:
  std::mutex mutex_;
};

}  // namespace starling::db::runtime

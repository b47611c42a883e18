#pragma once
// Busy-waiting for what another core is about to publish: cheaper than
// sleeping and being woken when the wait is a few microseconds.

#include <chrono>
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

}  // namespace starling::db::runtime

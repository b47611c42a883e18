#pragma once
// How long a cached statement typically runs on its connection: a backend
// lets only short statements share a round trip or a snapshot with others
// (Connection::run_pipeline), or the callers queued behind a slow one would
// wait for it instead of taking the next connection free.

#include <chrono>
#include <cstdint>

namespace starling::db::backend {

class StatementTiming {
 public:
  using Clock = std::chrono::steady_clock;

  /// Slower at once, faster gradually: a statement that turns slow stops sharing at once.
  void note(Clock::duration took) {
    const auto sample = std::chrono::duration_cast<std::chrono::nanoseconds>(took).count();
    typical_ns_ = typical_ns_ < 0 || sample > typical_ns_ ? sample : typical_ns_ + (sample - typical_ns_) / 8;
  }
  /// Known to run for less than `limit` (false until it has run once).
  bool is_shorter_than(std::chrono::nanoseconds limit) const { return typical_ns_ >= 0 && typical_ns_ < limit.count(); }

 private:
  std::int64_t typical_ns_ = -1;  // -1: not run yet
};

}  // namespace starling::db::backend

// StatementTiming, whether a statement is short enough to pipeline: unknown until it has run, slow at its
// first slow run, and short again as quick runs fade that run by an eighth each.
#include "backends/statement_timing.hpp"

#include <gtest/gtest.h>

#include <chrono>

using starling::db::backend::StatementTiming;
using namespace std::chrono_literals;

TEST(StatementTiming, UnknownUntilItHasRunOnce) {
  StatementTiming timing;
  EXPECT_FALSE(timing.is_shorter_than(1h));
  timing.note(10us);
  EXPECT_TRUE(timing.is_shorter_than(1ms));
  EXPECT_FALSE(timing.is_shorter_than(10us));  // shorter than, not as short as
}

// A statement that turns slow stops sharing a round trip at its first slow run.
TEST(StatementTiming, OneSlowRunCountsAtOnce) {
  StatementTiming timing;
  for (int i = 0; i < 100; ++i) timing.note(10us);
  timing.note(5ms);
  EXPECT_FALSE(timing.is_shorter_than(1ms));
}

// One slow run (a busy machine) fades over the quick runs after it: an eighth each time.
TEST(StatementTiming, QuickRunsBringItBackGradually) {
  StatementTiming timing;
  timing.note(8ms);
  int quick_runs = 0;
  while (!timing.is_shorter_than(1ms)) {
    timing.note(0ns);
    ++quick_runs;
  }
  EXPECT_EQ(quick_runs, 16);  // 8 ms × (7/8)^16 ≈ 0.95 ms, (7/8)^15 ≈ 1.08 ms
}

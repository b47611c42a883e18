// Completion::complete_all resuming sleeping callers: one handler per executor, in order; each loop on its own;
// a caller whose coroutine throws holds up no other; an error reaches its own caller only.
#include "runtime/completion.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

namespace starling::db::runtime {
namespace {

namespace asio = boost::asio;

// Callers that sleep until their work is done, each noting in
// `resumed` when it goes on; `answers` collects their completions.
struct SleepingCallers {
  std::vector<Answer> answers;
  std::string resumed;

  awaitable<void> wait(char name, bool throw_after = false) {
    const Start start = [this](const std::shared_ptr<Completion>& completion) {
      answers.push_back({completion, nullptr});
    };
    co_await wait_for(start);
    resumed += name;
    if (throw_after) throw std::runtime_error(std::string("caller ") + name + " failed");
  }

  void spawn(asio::io_context& loop, char name) {
    asio::co_spawn(loop, wait(name), [](std::exception_ptr) {});
  }
};

TEST(Completion, CallersSharingAnExecutorAreResumedByOneHandlerInOrder) {
  asio::io_context loop;
  SleepingCallers callers;
  for (const char name : std::string("abc")) callers.spawn(loop, name);
  loop.poll();  // all three now sleep
  ASSERT_EQ(callers.answers.size(), 3u);

  Completion::complete_all(callers.answers);
  EXPECT_TRUE(callers.answers.empty());
  EXPECT_EQ(loop.poll_one(), 1u);
  EXPECT_EQ(callers.resumed, "abc");
}

TEST(Completion, CallersOnDifferentLoopsAreEachResumedOnTheirOwn) {
  asio::io_context first, second;
  SleepingCallers callers;
  callers.spawn(first, 'a');
  callers.spawn(second, 'B');
  callers.spawn(first, 'c');
  callers.spawn(second, 'D');
  first.poll();   // spawned in order a, c
  second.poll();  // then B, D
  ASSERT_EQ(callers.answers.size(), 4u);

  Completion::complete_all(callers.answers);
  EXPECT_EQ(second.poll_one(), 1u);
  EXPECT_EQ(callers.resumed, "BD");
  EXPECT_EQ(first.poll_one(), 1u);
  EXPECT_EQ(callers.resumed, "BDac");
}

TEST(Completion, ACallerWhoseCoroutineThrowsOutOfTheLoopDoesNotHoldUpTheOthers) {
  asio::io_context loop;
  SleepingCallers callers;
  const auto rethrow = [](std::exception_ptr error) {
    if (error) std::rethrow_exception(error);
  };
  callers.spawn(loop, 'a');
  asio::co_spawn(loop, callers.wait('b', true), rethrow);
  asio::co_spawn(loop, callers.wait('c', true), rethrow);
  callers.spawn(loop, 'd');
  loop.poll();
  ASSERT_EQ(callers.answers.size(), 4u);

  Completion::complete_all(callers.answers);
  EXPECT_ANY_THROW(loop.poll_one());  // what b and c threw, once all four went on
  EXPECT_EQ(callers.resumed, "abcd");
  EXPECT_EQ(loop.poll(), 0u);
}

TEST(Completion, AnErrorReachesItsOwnCallerOnly) {
  asio::io_context loop;
  std::vector<Answer> answers;
  std::vector<std::string> outcomes;
  const auto wait = [&]() -> awaitable<void> {
    const Start start = [&](const std::shared_ptr<Completion>& completion) {
      answers.push_back({completion, nullptr});
    };
    try {
      co_await wait_for(start);
      outcomes.push_back("ok");
    } catch (const std::runtime_error& error) {
      outcomes.push_back(error.what());
    }
  };
  for (int i = 0; i < 3; ++i) asio::co_spawn(loop, wait(), [](std::exception_ptr) {});
  loop.poll();
  ASSERT_EQ(answers.size(), 3u);
  answers[1].error = std::make_exception_ptr(std::runtime_error("the second failed"));

  Completion::complete_all(answers);
  loop.poll();
  EXPECT_EQ(outcomes, (std::vector<std::string>{"ok", "the second failed", "ok"}));
}

}  // namespace
}  // namespace starling::db::runtime

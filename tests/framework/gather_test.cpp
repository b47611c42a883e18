// gather: tasks run side by side on the caller's executor, results in the
// tasks' order, every task finished before an exception comes out.
#include <starling/gather.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace starling {
namespace {

namespace asio = boost::asio;

template <class T>
T run(awaitable<T> task) {
  asio::io_context loop;
  auto future = asio::co_spawn(loop, std::move(task), asio::use_future);
  loop.run();
  return future.get();
}

// Lets every other ready coroutine on the loop run once.
awaitable<void> yield() { co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable); }

awaitable<int> after_yields(int value, int yields) {
  for (int i = 0; i < yields; ++i) co_await yield();
  co_return value;
}

TEST(Gather, ResultsComeInTheOrderOfTheTasksNotOfTheirFinishing) {
  const auto results = run([]() -> awaitable<std::vector<int>> {
    std::vector<awaitable<int>> tasks;
    for (int i = 0; i < 5; ++i) tasks.push_back(after_yields(i, 5 - i));  // the last finishes first
    co_return co_await gather(std::move(tasks));
  }());
  EXPECT_EQ(results, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(Gather, TasksRunSideBySideNotOneAfterAnother) {
  const auto trace = run([]() -> awaitable<std::string> {
    std::string trace;
    const auto step = [&trace](char name) -> awaitable<void> {
      trace += name;
      trace += '1';
      co_await yield();
      trace += name;
      trace += '2';
    };
    std::vector<awaitable<void>> tasks;
    tasks.push_back(step('a'));
    tasks.push_back(step('b'));
    co_await gather(std::move(tasks));
    co_return trace;
  }());
  EXPECT_EQ(trace, "a1b1a2b2");
}

awaitable<void> fail_after_yields(int yields, std::string what) {
  for (int i = 0; i < yields; ++i) co_await yield();
  throw std::runtime_error(what);
}

awaitable<void> finish_after_yields(int yields, bool& finished) {
  for (int i = 0; i < yields; ++i) co_await yield();
  finished = true;
}

// What gather's caller sees when it catches: the failure, and every task done.
struct Caught {
  std::string what;
  bool slow_task_finished = false;
};

awaitable<Caught> gather_and_catch(std::vector<awaitable<void>> tasks, const bool& slow_task_finished) {
  Caught caught;
  try {
    co_await gather(std::move(tasks));
  } catch (const std::runtime_error& error) {
    caught = {error.what(), slow_task_finished};
  }
  co_return caught;
}

TEST(Gather, AFailingTaskLetsTheOthersFinishThenTheFirstFailureInOrderIsRethrown) {
  bool slow_task_finished = false;
  std::vector<awaitable<void>> tasks;
  tasks.push_back(fail_after_yields(2, "first task"));
  tasks.push_back(fail_after_yields(0, "second task, failing sooner"));
  tasks.push_back(finish_after_yields(10, slow_task_finished));
  const auto caught = run(gather_and_catch(std::move(tasks), slow_task_finished));
  EXPECT_EQ(caught.what, "first task");
  EXPECT_TRUE(caught.slow_task_finished) << "gather rethrew before every task had finished";
}

TEST(Gather, NoTasksGiveNoResults) { EXPECT_TRUE(run(gather(std::vector<awaitable<int>>{})).empty()); }

awaitable<std::unique_ptr<int>> boxed(int value) { co_return std::make_unique<int>(value); }

TEST(Gather, ResultsNeedOnlyBeMovable) {
  const auto results = run([]() -> awaitable<std::vector<std::unique_ptr<int>>> {
    std::vector<awaitable<std::unique_ptr<int>>> tasks;
    for (int i = 0; i < 3; ++i) tasks.push_back(boxed(i));
    co_return co_await gather(std::move(tasks));
  }());
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(*results[2], 2);
}

}  // namespace
}  // namespace starling

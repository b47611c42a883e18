// The pool's answers to parked callers while requests queue: held back and
// released together (one wake-up of the caller's loop for many), a few
// statements late at most, and never stranded; answered at once while a core is
// left over (the callers then poll on it). Scheduling only, so on a real SQLite
// connection whose work just takes time.
#include "runtime/pool.hpp"

#include "backends/sqlite/sqlite_connection.hpp"
#include "support/busy_threads.hpp"

#include <starling/db/errors.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace starling::db::runtime {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

const std::size_t kCores = std::max(1u, std::thread::hardware_concurrency());

// How long a statement takes: long enough, even on a busy machine, for every
// caller to queue and park before the first statement ends, and for a caller's
// loop to wake before the next one ends.
constexpr auto kStatement = 200ms;

std::shared_ptr<Pool> one_connection_pool(const std::shared_ptr<DriverThreads>& threads) {
  PoolSettings settings;
  settings.min_size = settings.max_size = 1;
  settings.open = [] { return std::make_unique<backend::SqliteConnection>(DatabaseURL("sqlite:///:memory:")); };
  settings.description = "sqlite:///:memory:";
  return std::make_shared<Pool>(std::move(settings), threads);
}

// Queues one statement per entry of `works` on `pool` from one loop; each
// caller notes how many statements had finished when it got its answer.
struct Callers {
  std::vector<int> finished_when_answered;
  std::vector<bool> failed;
};

Callers queue_and_wait(const std::shared_ptr<Pool>& pool, const std::vector<Pool::Work>& works,
                       const std::atomic<int>& finished) {
  Callers callers{std::vector<int>(works.size(), -1), std::vector<bool>(works.size(), false)};
  asio::io_context loop;
  asio::co_spawn(loop, pool->open(), asio::detached);
  loop.run();
  loop.restart();
  for (std::size_t i = 0; i < works.size(); ++i) {
    asio::co_spawn(loop, [&, i]() -> awaitable<void> {
      try {
        co_await Pool::run(pool, works[i]);
      } catch (const ConnectionError&) {
        callers.failed[i] = true;
      }
      callers.finished_when_answered[i] = finished.load();
    }, asio::detached);
  }
  loop.run_for(10s);  // a stranded answer fails below instead of hanging
  asio::co_spawn(loop, pool->close(), asio::detached);
  loop.restart();
  loop.run();
  return callers;
}

Pool::Work taking(std::chrono::milliseconds time, std::atomic<int>& finished) {
  return [time, &finished](PooledConnection&) {
    std::this_thread::sleep_for(time);
    ++finished;
  };
}

TEST(PoolAnswers, WhileRequestsQueueParkedCallersAreAnsweredTogetherAFewStatementsLateAtMost) {
  const auto threads = std::make_shared<DriverThreads>(kCores);
  const test::BusyThreads others(*threads, kCores - 1);  // with the pool's, every core has a busy driver thread
  const auto pool = one_connection_pool(threads);
  std::atomic<int> finished{0};
  // 8 callers on 1 connection; statements long enough that every caller parks.
  const std::vector<Pool::Work> works(8, taking(kStatement, finished));
  const auto callers = queue_and_wait(pool, works, finished);
  for (std::size_t i = 0; i < works.size(); ++i) EXPECT_GE(callers.finished_when_answered[i], 0) << "caller " << i << " never answered";
  // Answered at once, the first caller would resume after 1 statement. Held,
  // it has its answer with the next ones: after 5 (4 held per connection, and
  // the one that released them), 6 if its loop is slow to wake.
  EXPECT_GE(callers.finished_when_answered[0], 3);
  EXPECT_LE(callers.finished_when_answered[0], 6);
}

TEST(PoolAnswers, HeldAnswersGoOutAtOnceWhenTheConnectionBreaks) {
  const auto threads = std::make_shared<DriverThreads>(kCores);
  const test::BusyThreads others(*threads, kCores - 1);
  const auto pool = one_connection_pool(threads);
  std::atomic<int> finished{0};
  const Pool::Work breaking = [&](PooledConnection&) {
    ++finished;
    throw ConnectionError("connection lost (on purpose)");
  };
  // The first answer is held while the second runs (the third queues behind
  // it); the second breaks the connection. The first caller must not wait for
  // the third statement, which runs long on a new connection.
  const std::vector<Pool::Work> works{taking(kStatement, finished), breaking, taking(1000ms, finished)};
  const auto callers = queue_and_wait(pool, works, finished);
  EXPECT_FALSE(callers.failed[0]);
  EXPECT_TRUE(callers.failed[1]);
  EXPECT_FALSE(callers.failed[2]);
  EXPECT_EQ(callers.finished_when_answered[0], 2);  // not 3: it did not wait for the long one
  EXPECT_EQ(callers.finished_when_answered[2], 3);
}

TEST(PoolAnswers, WithACoreLeftOverFromTheDriverThreadsAnswersGoOutAtOnce) {
  if (kCores < 2) GTEST_SKIP() << "needs a core beside the pool's driver thread";
  const auto threads = std::make_shared<DriverThreads>(kCores);
  const test::BusyThreads others(*threads, kCores - 2);  // one core is left over
  const auto pool = one_connection_pool(threads);
  std::atomic<int> finished{0};
  const std::vector<Pool::Work> works(8, taking(kStatement, finished));
  const auto callers = queue_and_wait(pool, works, finished);
  for (std::size_t i = 0; i < works.size(); ++i) EXPECT_GE(callers.finished_when_answered[i], 0) << "caller " << i << " never answered";
  EXPECT_LE(callers.finished_when_answered[0], 2);  // after its own statement (or the next one, if its loop is slow)
}

}  // namespace
}  // namespace starling::db::runtime

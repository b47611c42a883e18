// The pool, through Database: bounds, FIFO waiting, PoolTimeout, clean returns,
// counters, the setup hook, broken connections, and SQLite's single writer.
#include <starling/db/database.hpp>

#include <starling/db/text.hpp>
#include <starling/gather.hpp>

#include "backends/sqlite/sqlite_connection.hpp"
#include "support/test_databases.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>
#include <mutex>
#include <set>
#include <thread>

namespace starling::db {
namespace {

using test::run;
namespace asio = boost::asio;

awaitable<void> sleep_for(std::chrono::milliseconds duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  co_await timer.async_wait(asio::use_awaitable);
}

// Sleeps until `done()`, 5 s at most: what a busy machine may delay.
awaitable<void> wait_until(std::function<bool()> done) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done() && std::chrono::steady_clock::now() < give_up) co_await sleep_for(std::chrono::milliseconds(5));
}

// Runs `callers` coroutines of `caller(i)` at once on one loop, until all are done.
awaitable<void> crowd(int callers, const std::function<awaitable<void>(int)>& caller) {
  std::vector<awaitable<void>> tasks;
  for (int i = 0; i < callers; ++i) tasks.push_back(caller(i));
  co_await gather(std::move(tasks));
}

class Pooling : public test::ConnectedDatabaseTest {};

TEST_P(Pooling, APoolThatStaysFullGivesPoolTimeoutAndCountsTheWaiters) {
  auto& database = open({.max_size = 2, .acquire_timeout = std::chrono::milliseconds(200)});
  EXPECT_EQ(database.stats().timeouts, 0u);
  run([&]() -> awaitable<void> {
    // connection() is SQLite's one writer; PostgreSQL's pool gives two.
    auto first = co_await database.connection();
    std::optional<Connection> second;
    if (is_postgres()) second.emplace(co_await database.connection());
    EXPECT_EQ(database.stats().in_use, is_postgres() ? 2u : 1u);
    bool timed_out = false;
    try {
      co_await database.connection();
    } catch (const PoolTimeout& error) {
      timed_out = true;
      EXPECT_NE(std::string(error.what()).find("200 ms"), std::string::npos) << error.what();
    }
    EXPECT_TRUE(timed_out);
    EXPECT_EQ(database.stats().waiting, 0u);
    EXPECT_EQ(database.stats().timeouts, 1u);
  }());
  EXPECT_EQ(database.stats().in_use, 0u);
}

TEST_P(Pooling, WaitersAreServedInOrderWhenConnectionsComeBack) {
  auto& database = open({.max_size = 1, .acquire_timeout = std::chrono::seconds(5)});
  // The order they ran in, as the database saw it (their callers' resumptions
  // are posted to the loop, which may run them in another order).
  run(database.execute(text("CREATE TABLE waited (served TEXT)")));
  run(database.execute(text("INSERT INTO waited VALUES ('')")));
  run([&]() -> awaitable<void> {
    auto held = std::make_optional(co_await database.connection());
    const auto executor = co_await asio::this_coro::executor;
    int finished = 0;
    for (int i = 0; i < 4; ++i) {
      asio::co_spawn(
          executor,
          [&, i]() -> awaitable<void> {
            co_await sleep_for(std::chrono::milliseconds(5 * i));  // queue in order 0, 1, 2, 3
            // A write: SQLite's writer.
            co_await database.execute(text("UPDATE waited SET served = served || :i").bind("i", std::to_string(i)));
            ++finished;
          },
          asio::detached);
    }
    co_await wait_until([&] { return database.stats().waiting == 4; });
    EXPECT_EQ(database.stats().waiting, 4u);
    held.reset();  // back to the pool: the waiters go one after another
    while (finished < 4) co_await sleep_for(std::chrono::milliseconds(5));
  }());
  EXPECT_EQ(run(database.fetch_val(text("SELECT served FROM waited"))), Value("0123"));
}

TEST_P(Pooling, AStatementWaitingPastTheTimeoutGetsPoolTimeoutAndLeavesNoWaiter) {
  auto& database = open({.max_size = 1, .acquire_timeout = std::chrono::milliseconds(150)});
  run([&]() -> awaitable<void> {
    std::optional<Connection> held(co_await database.connection());  // SQLite's writer; PostgreSQL's only one
    const auto started = std::chrono::steady_clock::now();
    bool timed_out = false;
    try {
      co_await database.execute(text("CREATE TABLE IF NOT EXISTS never (x INTEGER)"));  // a write: it needs the writer
    } catch (const PoolTimeout& error) {
      timed_out = true;
      EXPECT_NE(std::string(error.what()).find("150 ms"), std::string::npos) << error.what();
    }
    EXPECT_TRUE(timed_out);
    EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(150));
    EXPECT_EQ(database.stats().waiting, 0u);
    held.reset();
    co_await database.execute(text("CREATE TABLE IF NOT EXISTS later (x INTEGER)"));  // and the pool serves again
  }());
  EXPECT_EQ(database.stats().in_use, 0u);
}

TEST_P(Pooling, AWaitAfterAQuietSpellStillTimesOut) {
  // The timeout keeper sleeps for good once nothing has waited for a whole
  // timeout; the next wait must wake it.
  auto& database = open({.max_size = 1, .acquire_timeout = std::chrono::milliseconds(100)});
  run([&]() -> awaitable<void> {
    const auto executor = co_await asio::this_coro::executor;
    {
      std::optional<Connection> held(co_await database.connection());  // SQLite's writer; PostgreSQL's only one
      bool served = false;
      asio::co_spawn(
          executor,
          [&]() -> awaitable<void> {
            co_await database.execute(text("CREATE TABLE IF NOT EXISTS first (x INTEGER)"));  // waits, then is served
            served = true;
          },
          asio::detached);
      co_await sleep_for(std::chrono::milliseconds(20));
      held.reset();
      while (!served) co_await sleep_for(std::chrono::milliseconds(1));
    }
    co_await sleep_for(std::chrono::milliseconds(350));  // quiet for more than two timeouts
    std::optional<Connection> held(co_await database.connection());
    bool wait_over = false;
    bool watchdog_done = false;
    asio::co_spawn(
        executor,
        [&]() -> awaitable<void> {
          // Were the wait never timed out, it ends after 5 s, served; else this ends with the wait.
          co_await wait_until([&] { return wait_over; });
          held.reset();
          watchdog_done = true;
        },
        asio::detached);
    const auto started = std::chrono::steady_clock::now();
    bool timed_out = false;
    try {
      co_await database.execute(text("CREATE TABLE IF NOT EXISTS second (x INTEGER)"));
    } catch (const PoolTimeout&) {
      timed_out = true;
    }
    wait_over = true;
    const auto waited = std::chrono::steady_clock::now() - started;
    EXPECT_TRUE(timed_out);
    EXPECT_GE(waited, std::chrono::milliseconds(100));
    EXPECT_LT(waited, std::chrono::seconds(4));  // 100 ms, wide for a busy machine; below the watchdog's 5 s
    while (!watchdog_done) co_await sleep_for(std::chrono::milliseconds(10));  // it uses this frame's `held`
  }());
}

TEST_P(Pooling, StatementsAndHeldConnectionsWaitInOneLine) {
  auto& database = open({.max_size = 1, .acquire_timeout = std::chrono::seconds(5)});
  run(database.execute(text("CREATE TABLE line (position INTEGER NOT NULL, who TEXT NOT NULL)")));
  run([&]() -> awaitable<void> {
    auto held = std::make_optional(co_await database.connection());
    const auto executor = co_await asio::this_coro::executor;
    int finished = 0;
    const auto add = [&](std::string who) -> awaitable<void> {
      co_await database.execute(text("INSERT INTO line VALUES ((SELECT count(*) FROM line), :who)").bind("who", who));
    };
    for (int i = 0; i < 6; ++i) {
      asio::co_spawn(
          executor,
          [&, i]() -> awaitable<void> {
            co_await sleep_for(std::chrono::milliseconds(5 * i));  // queue in order
            const std::string who = "caller " + std::to_string(i);
            if (i % 2 == 0) {
              co_await add(who);  // a statement: runs on whichever connection frees up first
            } else {
              auto lent = co_await database.connection();  // a connection lent to the caller
              co_await lent.execute(
                  text("INSERT INTO line VALUES ((SELECT count(*) FROM line), :who)").bind("who", who));
            }
            ++finished;
          },
          asio::detached);
    }
    co_await wait_until([&] { return database.stats().waiting == 6; });
    EXPECT_EQ(database.stats().waiting, 6u);
    held.reset();
    while (finished < 6) co_await sleep_for(std::chrono::milliseconds(5));
  }());
  const auto rows = run(database.fetch_all(text("SELECT who FROM line ORDER BY position")));
  ASSERT_EQ(rows.size(), 6u);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(rows[i].get<std::string>("who"), "caller " + std::to_string(i));
}

TEST_P(Pooling, DisconnectWaitsForRunningStatementsAndFailsTheQueuedOnes) {
  auto& database = open({.max_size = 2});
  // Slow enough to be running when disconnect() starts.
  const auto slow = is_postgres()
                        ? text("SELECT pg_sleep(0.2)")
                        : text(
                              "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) "
                              "SELECT count(*) FROM c");
  constexpr int kStatements = 6;
  int finished = 0, closed_while_waiting = 0;
  run([&]() -> awaitable<void> {
    const auto executor = co_await asio::this_coro::executor;
    for (int i = 0; i < kStatements; ++i) {
      asio::co_spawn(
          executor,
          [&]() -> awaitable<void> {
            try {
              co_await database.fetch_val(slow);
            } catch (const PoolTimeout&) {
              ADD_FAILURE() << "not a timeout";
            } catch (const ConnectionError& error) {
              EXPECT_NE(std::string(error.what()).find("closed while waiting"), std::string::npos) << error.what();
              ++closed_while_waiting;
            }
            ++finished;
          },
          asio::detached);
    }
    co_await sleep_for(std::chrono::milliseconds(20));
    co_await database.disconnect();
    EXPECT_EQ(finished, kStatements);  // none still running on a driver thread
  }());
  EXPECT_GT(closed_while_waiting, 0);
  EXPECT_LT(closed_while_waiting, kStatements);
}

TEST_P(Pooling, OneCallersQueriesOneAfterAnotherUseOneConnection) {
  // The caller's next query often comes while the connection still settles
  // after the last one: it waits for that connection rather than opening more.
  auto& database = open({.min_size = 1, .max_size = 4});
  const auto opened_at_start = database.stats().size;
  run([&]() -> awaitable<void> {
    for (int i = 0; i < 300; ++i) {
      const auto row = co_await database.fetch_one(text("SELECT CAST(:i AS INTEGER) AS i").bind("i", i));
      EXPECT_EQ(row->get<int>("i"), i);
    }
  }());
  EXPECT_EQ(database.stats().size, opened_at_start);
  EXPECT_EQ(database.stats().in_use, 0u);
}

TEST_P(Pooling, ACallerWaitingForAQueryLeavesItsLoopFreeForOtherWork) {
  auto& database = open({.max_size = 2});
  const auto slow_query = is_postgres() ? "SELECT 1 FROM pg_sleep(0.3)"
                                        : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                                          "WHERE x < 1000000) SELECT count(*) FROM c";
  run([&]() -> awaitable<void> {
    bool finished = false;
    bool ticker_done = false;
    int ticks = 0;
    asio::co_spawn(
        co_await asio::this_coro::executor,
        [&]() -> awaitable<void> {
          while (!finished) {
            co_await sleep_for(std::chrono::milliseconds(1));
            ++ticks;
          }
          ticker_done = true;
        },
        asio::detached);
    const auto started = std::chrono::steady_clock::now();
    co_await database.fetch_one(text(slow_query));
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    finished = true;
    EXPECT_GE(took.count(), 50) << "the slow query was not slow enough to tell";
    // A blocked loop gets no tick in; a free one about one a millisecond, far
    // fewer when a busy machine (or a sanitizer) runs it late: 10 in 50 ms or more.
    EXPECT_GE(ticks, 10) << "took " << took.count() << " ms";
    while (!ticker_done) co_await sleep_for(std::chrono::milliseconds(1));  // it uses this frame's variables
  }());
}

TEST_P(Pooling, QuickQueriesRunBesideASlowOneOnAnotherConnection) {
  if (is_memory()) GTEST_SKIP() << ":memory: runs on one connection";
  auto& database = open({.max_size = 2});
  // SQLite lets few driver threads run at once (CPU work); a slow query stops counting after a moment.
  const auto slow_query = is_postgres() ? "SELECT 1 FROM pg_sleep(0.5)"
                                        : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                                          "WHERE x < 3000000) SELECT count(*) FROM c";
  run([&]() -> awaitable<void> {
    bool slow_done = false;
    asio::co_spawn(
        co_await asio::this_coro::executor,
        [&]() -> awaitable<void> {
          co_await database.fetch_one(text(slow_query));
          slow_done = true;
        },
        asio::detached);
    while (database.stats().in_use == 0) co_await sleep_for(std::chrono::milliseconds(1));
    for (int i = 0; i < 10; ++i) {
      const auto row = co_await database.fetch_one(text("SELECT CAST(:i AS INTEGER) AS i").bind("i", i));
      EXPECT_EQ(row->get<int>("i"), i);
    }
    EXPECT_FALSE(slow_done) << "the quick queries waited for the slow one";
    while (!slow_done) co_await sleep_for(std::chrono::milliseconds(5));  // it uses this frame's variables
  }());
}

TEST_P(Pooling, AReadKeepsNoSnapshotOpenOnceItsCallerHasTheRow) {
  if (GetParam() != "sqlite_file") GTEST_SKIP() << "a read snapshot that blocks a checkpoint is SQLite's (WAL)";
  auto& database = open({.max_size = 2});
  run(database.execute(text("CREATE TABLE kept (x INTEGER)")));
  run(database.execute(text("INSERT INTO kept VALUES (1), (2)")));
  // A checkpoint that truncates the WAL waits (here up to 2 s) for every reader
  // of the file to finish; SQLite answers busy = 1 if one is still reading.
  backend::SqliteConnection other(url(), {}, std::chrono::seconds(2));
  const auto checkpoint_busy = [&] {
    return other.execute("PRAGMA wal_checkpoint(TRUNCATE)", {}).rows.at(0)[0].as<std::int64_t>();
  };
  run([&]() -> awaitable<void> {
    const auto pooled = co_await database.fetch_one(text("SELECT x FROM kept ORDER BY x"));  // one row of two
    EXPECT_EQ(pooled->get<int>("x"), 1);
    EXPECT_EQ(checkpoint_busy(), 0);
    auto held = co_await database.connection();  // a lent connection, still held while checking
    const auto lent = co_await held.fetch_one(text("SELECT x FROM kept ORDER BY x"));
    EXPECT_EQ(lent->get<int>("x"), 1);
    EXPECT_EQ(checkpoint_busy(), 0);
  }());
}

TEST_P(Pooling, AConnectionGoesBackCleanAndTheSetupHookRunsOffTheCallersThread) {
  std::mutex mutex;
  std::set<std::thread::id> hook_threads;
  auto& database = open({.max_size = 1, .on_connect = [&](SetupConnection& connection) {
                           connection.execute("CREATE TABLE IF NOT EXISTS hooked (x INTEGER)");
                           std::lock_guard lock(mutex);
                           hook_threads.insert(std::this_thread::get_id());
                         }});
  ASSERT_FALSE(hook_threads.empty());
  EXPECT_EQ(hook_threads.count(std::this_thread::get_id()), 0u);  // the driver runs on the Database's threads
  run([&]() -> awaitable<void> {
    auto connection = co_await database.connection();
    auto tx = co_await connection.begin();
    co_await tx.execute(text("INSERT INTO hooked VALUES (1)"));
    // tx and connection go out of scope with the transaction open
  }());
  EXPECT_EQ(run(database.fetch_val(text("SELECT count(*) FROM hooked"))), Value(0));
  run(database.execute(text("INSERT INTO hooked VALUES (2)")));  // autocommit again: visible to a new pool
  run(database.disconnect());
  if (is_memory()) return;  // the memory database went with its connection
  run(database.connect());
  EXPECT_EQ(run(database.fetch_val(text("SELECT count(*) FROM hooked"))), Value(1));
}

TEST_P(Pooling, ABrokenConnectionIsReplacedWithoutRestartingTheApp) {
  if (!is_postgres()) GTEST_SKIP() << "only a server connection can break";
  auto& database = open({.min_size = 3, .max_size = 3});
  EXPECT_EQ(database.stats().size, 3u);
  // What a PostgreSQL restart does to every idle connection.
  Database admin(url());
  run(admin.connect());
  const auto killed = run(admin.fetch_val(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                                               "datname = :db AND pid <> pg_backend_pid()")
                                              .bind("db", url().database())));
  EXPECT_GE(killed.as<std::int64_t>(), 3);
  // pg_terminate_backend only signals; as after a restart, wait until they are gone.
  const auto others = text("SELECT count(*) FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()")
                          .bind("db", url().database());
  for (int i = 0; i < 500 && run(admin.fetch_val(others)) != Value(0); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  for (int i = 0; i < 10; ++i) EXPECT_EQ(run(database.fetch_val(text("SELECT 1"))), Value(1)) << i;
  run(admin.disconnect());
}

TEST_P(Pooling, ConcurrentWritersUnderLoadNeverSeeDatabaseIsLocked) {
  auto& database = open({.max_size = 8});
  run(database.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")));
  run(database.execute(text("INSERT INTO counter VALUES (1, 0)")));
  constexpr int kWorkers = 16, kEach = 50;
  std::atomic<int> errors{0};
  // PostgreSQL's READ COMMITTED needs the row lock to make read-then-write safe.
  const std::string select_n = std::string("SELECT n FROM counter WHERE id = 1") + (is_postgres() ? " FOR UPDATE" : "");
  run(
      [&]() -> awaitable<void> {
        const auto executor = co_await asio::this_coro::executor;
        std::atomic<int> finished{0};
        for (int w = 0; w < kWorkers; ++w) {
          asio::co_spawn(
              executor,
              [&]() -> awaitable<void> {
                for (int i = 0; i < kEach; ++i) {
                  try {
                    if (i % 2 == 0) {
                      co_await database.execute(text("UPDATE counter SET n = n + 1 WHERE id = 1"));
                    } else {  // read, then write, in one transaction: the classic SQLITE_BUSY deadlock
                      co_await database.transaction([&](Connection& tx) -> awaitable<void> {
                        const auto n = (co_await tx.fetch_val(text(select_n))).as<std::int64_t>();
                        co_await tx.execute(text("UPDATE counter SET n = :n WHERE id = 1").bind("n", n + 1));
                      });
                    }
                  } catch (const std::exception& error) {
                    ADD_FAILURE() << error.what();
                    ++errors;
                  }
                }
                ++finished;
              },
              asio::detached);
        }
        while (finished < kWorkers) co_await sleep_for(std::chrono::milliseconds(5));
      }(),
      4);
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(run(database.fetch_val(text("SELECT n FROM counter"))), Value(kWorkers * kEach));
}

// Callers queued while every connection is busy: their short statements run
// together (PostgreSQL: one round trip; SQLite: reads in one snapshot), and
// each caller still gets its own answer or its own error, nothing of another's.
TEST_P(Pooling, QueuedStatementsShareRoundTripsAndEachCallerGetsItsOwnOutcome) {
  auto& database = open({.max_size = 2});
  run(database.execute(text("CREATE TABLE items (n INTEGER PRIMARY KEY)")));
  constexpr int kCallers = 32, kEach = 40;
  int rounds = 0, wrong_answers = 0, unseen_writes = 0, duplicates_refused = 0;
  // Only statements known to be short share, and a run slowed down by a busy
  // machine counts fully, then fades: rounds of callers until some shared, for 10 s at most.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  do {
    const int first = rounds++ * kCallers * kEach;  // each round its own numbers
    const std::function<awaitable<void>(int)> caller = [&](int index) -> awaitable<void> {
      for (int i = 0; i < kEach; ++i) {
        const int n = first + index * kEach + i;
        const auto doubled = co_await database.fetch_val(text("SELECT CAST(:n AS INTEGER) * 2").bind("n", n));
        if (doubled != Value(2 * n)) ++wrong_answers;
        const auto insert = text("INSERT INTO items (n) VALUES (:n)").bind("n", n);
        co_await database.execute(insert);
        // A read asked for after the write finished sees it, whatever it runs with.
        const auto mine = text("SELECT count(*) FROM items WHERE n = :n").bind("n", n);
        if ((co_await database.fetch_val(mine)) != Value(1)) ++unseen_writes;
        if (i % 4 != 0) continue;
        try {
          co_await database.execute(insert);
          ADD_FAILURE() << "inserted " << n << " twice";
        } catch (const UniqueViolation&) {
          ++duplicates_refused;
        }
      }
    };
    run(crowd(kCallers, caller));
  } while (database.stats().pipelined == 0 && std::chrono::steady_clock::now() < give_up);
  EXPECT_EQ(wrong_answers, 0);
  EXPECT_EQ(unseen_writes, 0);
  EXPECT_EQ(duplicates_refused, rounds * kCallers * kEach / 4);
  EXPECT_EQ(run(database.fetch_val(text("SELECT count(*) FROM items"))), Value(rounds * kCallers * kEach));
  EXPECT_GT(database.stats().pipelined, 0u);
}

// DatabaseOptions::pipeline off: the same crowd of callers, each statement on its own.
TEST_P(Pooling, WithPipeliningOffQueuedStatementsRunOneByOne) {
  auto& database = open({.max_size = 2, .pipeline = false});
  constexpr int kCallers = 32, kEach = 40;
  int wrong_answers = 0;
  const std::function<awaitable<void>(int)> caller = [&](int index) -> awaitable<void> {
    for (int i = 0; i < kEach; ++i) {
      const int n = index * kEach + i;
      const auto doubled = co_await database.fetch_val(text("SELECT CAST(:n AS INTEGER) * 2").bind("n", n));
      if (doubled != Value(2 * n)) ++wrong_answers;
    }
  };
  run(crowd(kCallers, caller));
  EXPECT_EQ(wrong_answers, 0);
  EXPECT_EQ(database.stats().pipelined, 0u);
}

TEST_P(Pooling, MemoryDatabasesShareOneDatabaseAcrossThePool) {
  auto& database = open({.max_size = 4});
  run(database.execute(text("CREATE TABLE shared (x INTEGER)")));
  run([&]() -> awaitable<void> {
    auto held = co_await database.connection();
    co_await held.execute(text("INSERT INTO shared VALUES (1)"));
  }());
  EXPECT_EQ(run(database.fetch_val(text("SELECT count(*) FROM shared"))), Value(1));
}

INSTANTIATE_TEST_SUITE_P(Backends, Pooling, ::testing::ValuesIn(test::database_backends()));

}  // namespace
}  // namespace starling::db

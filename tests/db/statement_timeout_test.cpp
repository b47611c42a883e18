// DatabaseOptions::statement_timeout on every backend: a runaway query and a
// query stuck behind another connection's lock end with OperationalError in
// about the time given, and the pool goes on serving.
#include <starling/db/database.hpp>

#include <starling/db/text.hpp>

#include "support/test_databases.hpp"

#include <gmock/gmock.h>

#include <chrono>

namespace starling::db {
namespace {

using test::run;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kTimeout{300};
// Counts for ever: only the timeout ends it.
constexpr const char* kEndless =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

class StatementTimeout : public test::ConnectedDatabaseTest {
 protected:
  // What the statement failed with, and how long it ran.
  template <typename Awaitable>
  std::pair<std::string, std::chrono::milliseconds> fails_with_timeout(Awaitable statement) {
    const auto started = Clock::now();
    std::string message;
    try {
      run(std::move(statement));
      ADD_FAILURE() << "the statement was not stopped";
    } catch (const OperationalError& error) {
      message = error.message();
    }
    return {message, std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started)};
  }
};

TEST_P(StatementTimeout, ARunawayQueryIsStoppedAndThePoolGoesOn) {
  auto& database = open({.max_size = 2, .statement_timeout = kTimeout});
  const auto [message, took] = fails_with_timeout(database.fetch_val(text(kEndless)));
  EXPECT_THAT(message, HasSubstr("statement timeout"));
  EXPECT_GE(took, kTimeout);
  EXPECT_LT(took, std::chrono::seconds(5)) << "stopped long after the timeout";
  EXPECT_EQ(run(database.fetch_val(text("SELECT 41 + 1"))), Value(42));
  EXPECT_EQ(database.stats().in_use, 0u);
}

TEST_P(StatementTimeout, AStreamedQueryIsStoppedToo) {
  auto& database = open({.statement_timeout = kTimeout});
  const auto [message, took] = fails_with_timeout([&]() -> awaitable<void> {
    const auto query = text(kEndless);
    auto stream = co_await database.iterate(query);
    while (co_await stream.next()) {
    }
  }());
  EXPECT_THAT(message, HasSubstr("statement timeout"));
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_EQ(run(database.fetch_val(text("SELECT 1"))), Value(1));
}

TEST_P(StatementTimeout, AQueryInsideATransactionFailsItAndTheNextTransactionRuns) {
  auto& database = open({.statement_timeout = kTimeout});
  run(database.execute(text("CREATE TABLE kept (x INTEGER)")));
  const auto [message, took] = fails_with_timeout(database.transaction([&](Connection& tx) -> awaitable<void> {
    co_await tx.execute(text("INSERT INTO kept VALUES (1)"));
    co_await tx.fetch_val(text(kEndless));
  }));
  EXPECT_THAT(message, HasSubstr("statement timeout"));
  EXPECT_EQ(run(database.fetch_val(text("SELECT count(*) FROM kept"))), Value(0)) << "half a transaction was kept";
  run(database.transaction(
      [&](Connection& tx) -> awaitable<void> { co_await tx.execute(text("INSERT INTO kept VALUES (2)")); }));
  EXPECT_EQ(run(database.fetch_val(text("SELECT count(*) FROM kept"))), Value(1));
}

// SQLite rolls the whole transaction back when it interrupts a write (and
// PostgreSQL fails the rest of it): a block that catches the timeout and goes
// on gets its later statements refused and its commit refused, and nothing
// of it is kept.
TEST_P(StatementTimeout, AWriteStoppedInsideATransactionKeepsNothingOfIt) {
  auto& database = open({.statement_timeout = kTimeout});
  run(database.execute(text("CREATE TABLE kept (x INTEGER)")));
  std::string timeout;
  bool later_statement_refused = false;
  const auto carry_on = [&](Connection& tx) -> awaitable<void> {
    co_await tx.execute(text("INSERT INTO kept VALUES (1)"));
    try {
      co_await tx.execute(
          text("INSERT INTO kept (x) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c"));
    } catch (const OperationalError& error) {
      timeout = error.message();  // and carries on as if the transaction were still there
    }
    try {
      co_await tx.execute(text("INSERT INTO kept VALUES (2)"));
    } catch (const Error&) {
      later_statement_refused = true;
    }
  };
  EXPECT_THROW(run(database.transaction(carry_on)), OperationalError) << "a commit of what was rolled back";
  EXPECT_THAT(timeout, HasSubstr("statement timeout"));
  EXPECT_TRUE(later_statement_refused);
  EXPECT_EQ(run(database.fetch_val(text("SELECT count(*) FROM kept"))), Value(0)) << "part of it was kept";
  run(database.transaction(
      [&](Connection& tx) -> awaitable<void> { co_await tx.execute(text("INSERT INTO kept VALUES (3)")); }));
  EXPECT_EQ(run(database.fetch_val(text("SELECT count(*) FROM kept"))), Value(1));
}

// The block's error is the timeout, not the failure of a ROLLBACK of what
// SQLite had rolled back already.
TEST_P(StatementTimeout, AWriteStoppedInATransactionFailsWithTheTimeoutNotARollbackError) {
  auto& database = open({.statement_timeout = kTimeout});
  run(database.execute(text("CREATE TABLE kept (x INTEGER)")));
  const auto [message, took] = fails_with_timeout(database.transaction([&](Connection& tx) -> awaitable<void> {
    co_await tx.execute(text("INSERT INTO kept VALUES (1)"));
    co_await tx.execute(
        text("INSERT INTO kept (x) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c"));
  }));
  EXPECT_THAT(message, HasSubstr("statement timeout"));
  EXPECT_EQ(run(database.fetch_val(text("SELECT count(*) FROM kept"))), Value(0));
  EXPECT_EQ(database.stats().in_use, 0u);
}

TEST_P(StatementTimeout, AQueryBehindAnotherConnectionsLockEndsAtTheTimeout) {
  if (!is_postgres()) GTEST_SKIP() << "SQLite's lock waits end with SQLITE_BUSY after the busy timeout instead";
  auto& database = open({.statement_timeout = kTimeout});
  run(database.execute(text("CREATE TABLE locked (x INTEGER)")));
  Database holder(url());
  run(holder.connect());
  run([&]() -> awaitable<void> {
    auto held = co_await holder.connection();
    co_await held.execute(text("BEGIN"));
    co_await held.execute(text("LOCK TABLE locked IN ACCESS EXCLUSIVE MODE"));
    const auto started = Clock::now();
    std::string message;
    try {
      co_await database.execute(text("INSERT INTO locked VALUES (1)"));
    } catch (const OperationalError& error) {
      message = error.message();
    }
    EXPECT_THAT(message, HasSubstr("statement timeout"));
    EXPECT_LT(Clock::now() - started, std::chrono::seconds(5));
    co_await held.execute(text("ROLLBACK"));
  }());
  run(database.execute(text("INSERT INTO locked VALUES (2)")));
  run(holder.disconnect());
}

TEST_P(StatementTimeout, WithoutOneALongQueryRunsToItsEnd) {
  auto& database = open({.max_size = 1});
  const auto slow = is_postgres() ? "SELECT count(*) FROM (SELECT pg_sleep(0.5)) AS s"
                                  : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) "
                                    "SELECT count(*) FROM c";
  EXPECT_EQ(run(database.fetch_val(text(slow))).as<std::int64_t>(), is_postgres() ? 1 : 3000000);
}

TEST_P(StatementTimeout, OneThatPostgreSQLCannotTakeIsRefusedUpFront) {
  EXPECT_THROW(Database(url(), {.statement_timeout = std::chrono::hours(24 * 30)}), ProgrammingError);
  EXPECT_THROW(Database(url(), {.statement_timeout = std::chrono::milliseconds(-1)}), ProgrammingError);
}

INSTANTIATE_TEST_SUITE_P(Backends, StatementTimeout, ::testing::ValuesIn(test::database_backends()));

}  // namespace
}  // namespace starling::db

// Transactions on every backend: scoped and low-level forms, dropped and raw ones rolled back, savepoints,
// isolation, transactional(), force_rollback, and no commit reported for work a failed statement lost.
#include <starling/db/transaction.hpp>

#include <starling/db/database.hpp>
#include <starling/db/text.hpp>

#include "support/test_databases.hpp"

namespace starling::db {
namespace {

using test::run;

class Transactions : public test::ConnectedDatabaseTest {
 protected:
  void SetUp() override {
    ConnectedDatabaseTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    run(database().execute(text("CREATE TABLE notes (body TEXT NOT NULL)")));
  }
  std::int64_t count() { return run(database().fetch_val(text("SELECT count(*) FROM notes"))).as<std::int64_t>(); }
  static TextQuery insert(const std::string& body) {
    return text("INSERT INTO notes (body) VALUES (:body)").bind("body", body);
  }
};

TEST_P(Transactions, ScopedCommitsOnReturnAndRollsBackOnThrow) {
  run(database().transaction([](Connection& tx) -> awaitable<void> { co_await tx.execute(insert("kept")); }));
  EXPECT_EQ(count(), 1);
  EXPECT_THROW(run(database().transaction([](Connection& tx) -> awaitable<void> {
                 co_await tx.execute(insert("lost"));
                 throw std::runtime_error("rolled back");
               })),
               std::runtime_error);
  EXPECT_EQ(count(), 1);
}

TEST_P(Transactions, LowLevelBeginCommitAndRollback) {
  run([&]() -> awaitable<void> {
    auto tx = co_await database().begin();
    co_await tx.execute(insert("committed"));
    EXPECT_EQ((co_await tx.fetch_val(text("SELECT count(*) FROM notes"))), Value(1));
    co_await tx.commit();
    EXPECT_FALSE(tx.is_active());
    // A finished transaction has let go of its connection (SQLite has one
    // writer: holding it, this begin() would wait forever) and refuses queries.
    auto other = co_await database().begin();
    bool refused = false;
    try {
      co_await tx.fetch_val(text("SELECT 1"));
    } catch (const ProgrammingError& error) {
      refused = std::string(error.what()).find("already committed or rolled back") != std::string::npos;
    }
    EXPECT_TRUE(refused);
    co_await other.execute(insert("rolled back"));
    co_await other.rollback();
  }());
  EXPECT_EQ(count(), 1);
  EXPECT_THROW(run([&]() -> awaitable<void> {
                 auto tx = co_await database().begin();
                 co_await tx.commit();
                 co_await tx.commit();
               }()),
               ProgrammingError);
}

TEST_P(Transactions, ADroppedTransactionIsRolledBackNeverCommitted) {
  run([&]() -> awaitable<void> {
    auto tx = co_await database().begin();
    co_await tx.execute(insert("dropped"));
  }());  // neither committed nor rolled back
  EXPECT_EQ(count(), 0);
  run(database().execute(insert("after")));  // the connection came back usable, outside any transaction
  run(database().disconnect());              // had "after" sat in an open transaction, this would drop it
  run(database().connect());
  if (!is_memory()) {  // a memory database ends with its connection
    EXPECT_EQ(count(), 1);
  }
}

// A raw BEGIN through the Database runs on a pooled connection that goes back
// at once: left open, the next caller's statements would run inside it.
TEST_P(Transactions, ARawBeginThroughTheDatabaseIsRolledBackAndReported) {
  if (!is_memory()) open({.min_size = 1, .max_size = 1});  // a memory database has one already
  EXPECT_THROW(run(database().execute(text("BEGIN"))), ProgrammingError);
  run(database().execute(insert("kept")));
  // Inside a stray transaction, BEGIN (SQLite) would fail and the row would be lost at disconnect.
  run(database().transaction([](Connection& tx) -> awaitable<void> { co_await tx.execute(insert("also kept")); }));
  run(database().disconnect());
  run(database().connect());
  if (!is_memory()) {
    EXPECT_EQ(count(), 2);
  }
}

TEST_P(Transactions, AHeldConnectionsRawTransactionIsRolledBackWhenItGoesBack) {
  if (!is_memory()) open({.min_size = 1, .max_size = 1});
  run([&]() -> awaitable<void> {
    auto held = co_await database().connection();
    co_await held.execute(text("BEGIN"));  // a held connection may run its own transaction
    co_await held.execute(insert("uncommitted"));
    EXPECT_EQ((co_await held.fetch_val(text("SELECT count(*) FROM notes"))), Value(1));
  }());
  EXPECT_EQ(count(), 0);  // the one connection came back rolled back
  run(database().transaction([](Connection& tx) -> awaitable<void> { co_await tx.execute(insert("next")); }));
  EXPECT_EQ(count(), 1);
}

TEST_P(Transactions, NestedTransactionsAreSavepoints) {
  run(database().transaction([&](Connection& outer) -> awaitable<void> {
    co_await outer.execute(insert("outer"));
    try {
      co_await outer.transaction([](Connection& inner) -> awaitable<void> {
        co_await inner.execute(insert("inner"));
        throw std::runtime_error("inner fails");
      });
    } catch (const std::runtime_error&) {
    }
    {
      auto dropped = co_await outer.begin();  // a savepoint dropped unfinished
      co_await dropped.execute(insert("dropped inner"));
    }
    co_await outer.transaction([](Connection& inner) -> awaitable<void> { co_await inner.execute(insert("inner 2")); });
  }));
  const auto rows = run(database().fetch_all(text("SELECT body FROM notes ORDER BY body")));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].get<std::string>("body"), "inner 2");
  EXPECT_EQ(rows[1].get<std::string>("body"), "outer");
}

TEST_P(Transactions, ConcurrentTransactionsDoNotSeeUncommittedWrites) {
  if (is_memory()) GTEST_SKIP() << ":memory: has one connection, so there is no second transaction to isolate";
  run([&]() -> awaitable<void> {
    auto writer = co_await database().begin();
    co_await writer.execute(insert("uncommitted"));
    // Another connection, reading: sees nothing yet.
    EXPECT_EQ((co_await database().fetch_val(text("SELECT count(*) FROM notes"))), Value(0));
    if (is_postgres()) {  // a second writer transaction, beside the first
      auto other = co_await database().begin();
      EXPECT_EQ((co_await other.fetch_val(text("SELECT count(*) FROM notes"))), Value(0));
      co_await other.execute(insert("other"));
      co_await other.commit();
    }
    co_await writer.commit();
    EXPECT_EQ((co_await database().fetch_val(text("SELECT count(*) FROM notes"))), Value(is_postgres() ? 2 : 1));
  }());
}

TEST_P(Transactions, TransactionalWrapsACallableInATransaction) {
  auto add_then_fail = transactional(database(), [](Connection& tx, const std::string& body) -> awaitable<int> {
    co_await tx.execute(insert(body));
    if (body == "fail") throw std::invalid_argument("no");
    co_return 7;
  });
  EXPECT_EQ(run(add_then_fail(std::string("ok"))), 7);
  EXPECT_THROW(run(add_then_fail(std::string("fail"))), std::invalid_argument);
  EXPECT_EQ(count(), 1);
}

TEST_P(Transactions, ForceRollbackUndoesEverythingAtDisconnect) {
  if (is_memory()) GTEST_SKIP() << "a :memory: database ends with its connection at disconnect()";
  open({.force_rollback = true});
  run(database().execute(insert("test data")));
  // Transactions inside are savepoints: this one's rollback keeps the insert above.
  EXPECT_THROW(run(database().transaction([](Connection& tx) -> awaitable<void> {
                 co_await tx.execute(insert("inner"));
                 throw std::runtime_error("x");
               })),
               std::runtime_error);
  run(database().transaction([](Connection& tx) -> awaitable<void> { co_await tx.execute(insert("inner ok")); }));
  EXPECT_EQ(count(), 2);
  run(database().disconnect());
  run(database().connect());
  EXPECT_EQ(count(), 0);  // the reference's test isolation
}

// force_rollback has one connection: a statement through the Database inside a
// transaction waits for the connection that transaction holds, and the
// timeout says what to do instead.
TEST_P(Transactions, UnderForceRollbackTheDatabaseUsedInsideATransactionTimesOutSayingWhy) {
  open({.force_rollback = true, .acquire_timeout = std::chrono::milliseconds(100)});
  std::string message;
  try {
    run(database().transaction([&](Connection&) -> awaitable<void> { co_await database().execute(insert("x")); }));
  } catch (const PoolTimeout& error) {
    message = error.what();
  }
  EXPECT_NE(message.find("force_rollback runs"), std::string::npos) << message;
  EXPECT_NE(message.find("through its handle"), std::string::npos) << message;
}

TEST_P(Transactions, UnderForceRollbackAFailedStatementSpoilsNothingElse) {
  open({.force_rollback = true});
  run(database().execute(text("CREATE TABLE tags (name TEXT PRIMARY KEY)")));
  run(database().execute(text("INSERT INTO tags VALUES ('a')")));
  EXPECT_THROW(run(database().execute(text("INSERT INTO tags VALUES ('a')"))), UniqueViolation);
  // PostgreSQL would abort the whole base transaction here without a savepoint per statement.
  run(database().execute(text("INSERT INTO tags VALUES ('b')")));
  EXPECT_EQ(run(database().fetch_val(text("SELECT count(*) FROM tags"))), Value(2));
}

TEST_P(Transactions, ACommitAfterAFailedStatementNeverReportsSuccessForLostWork) {
  run(database().execute(text("CREATE TABLE tags (name TEXT PRIMARY KEY)")));
  run(database().execute(text("INSERT INTO tags VALUES ('taken')")));
  bool committed = false;
  try {
    run(database().transaction([](Connection& tx) -> awaitable<void> {
      co_await tx.execute(text("INSERT INTO tags VALUES ('new')"));
      bool caught = false;
      try {
        co_await tx.execute(text("INSERT INTO tags VALUES ('taken')"));
      } catch (const UniqueViolation&) {
        caught = true;  // and carried on
      }
      EXPECT_TRUE(caught);
    }));
    committed = true;
  } catch (const OperationalError& error) {
    EXPECT_NE(std::string(error.what()).find("rolled the transaction back"), std::string::npos) << error.what();
  }
  const auto kept = run(database().fetch_val(text("SELECT count(*) FROM tags WHERE name = 'new'"))).as<std::int64_t>();
  // SQLite undoes only the failed statement; PostgreSQL aborts the transaction. Either way, the answer is true.
  EXPECT_EQ(committed, kept == 1);
  EXPECT_EQ(committed, !is_postgres());
}

TEST_P(Transactions, ATransactionAnswersWhatItsBlockReturns) {
  const auto counted = run(database().transaction([](auto& tx) -> awaitable<std::int64_t> {
    const auto add_a = insert("a");
    const auto add_b = insert("b");
    const auto count_all = text("SELECT count(*) FROM notes");
    co_await tx.execute(add_a);
    co_await tx.execute(add_b);
    const auto rows = co_await tx.fetch_val(count_all);
    co_return rows.template as<std::int64_t>();
  }));
  EXPECT_EQ(counted, 2);
  EXPECT_EQ(count(), 2);  // and committed
}

TEST_P(Transactions, AReadOnlyTransactionReadsRefusesWritesAndLeavesNoTrace) {
  run(database().execute(insert("before")));
  const auto seen = run(database().transaction({.read_only = true}, [](Connection& tx) -> awaitable<std::int64_t> {
    const auto rows = co_await tx.fetch_val(text("SELECT count(*) FROM notes"));
    co_return rows.as<std::int64_t>();
  }));
  EXPECT_EQ(seen, 1);
  const auto write = [](Connection& tx) -> awaitable<void> { co_await tx.execute(insert("refused")); };
  EXPECT_THROW(run(database().transaction({.read_only = true}, write)), Error);
  EXPECT_EQ(count(), 1);
  // The connection that ran it writes again (SQLite cleared its query_only).
  for (int i = 0; i < 3; ++i) run(database().transaction(write));
  EXPECT_EQ(count(), 4);
}

TEST_P(Transactions, IsolationLevelsAreSetOnPostgresAndAcceptedOnSqlite) {
  const std::pair<Isolation, std::string> levels[] = {{Isolation::serializable, "serializable"},
                                                      {Isolation::repeatable_read, "repeatable read"},
                                                      {Isolation::read_committed, "read committed"}};
  for (const auto& level : levels) {
    const std::string name = level.second;
    const bool postgres = is_postgres();
    const auto shown =
        run(database().transaction({.isolation = level.first}, [&, postgres](Connection& tx) -> awaitable<std::string> {
          co_await tx.execute(insert(name));
          if (!postgres) co_return name;  // SQLite's transactions are serializable whatever is asked
          const auto shown_level = co_await tx.fetch_val(text("SHOW transaction_isolation"));
          co_return shown_level.as<std::string>();
        }));
    EXPECT_EQ(shown, name);
  }
  EXPECT_EQ(count(), 3);
  // Options cannot reach a savepoint.
  bool refused = false;
  run(database().transaction([&](Connection& tx) -> awaitable<void> {
    try {
      auto nested = co_await tx.begin({.isolation = Isolation::serializable});
    } catch (const ProgrammingError&) {
      refused = true;
    }
    try {
      auto nested = co_await tx.begin({.retries = 2});  // a savepoint re-run cannot cure its transaction
      refused = false;
    } catch (const ProgrammingError&) {
    }
  }));
  EXPECT_TRUE(refused);
}

TEST_P(Transactions, OnSqliteATransactionTakesTheWriteLockAtBeginUnlessDeferred) {
  if (is_postgres() || is_memory()) GTEST_SKIP() << "SQLite's file lock, seen from a second connection";
  Database other(url());
  run(other.connect());
  // Whether the other connection can write now, without waiting for a lock.
  const auto other_writes_at_once = [&]() -> awaitable<bool> {
    auto connection = co_await other.connection();
    co_await connection.execute(text("PRAGMA busy_timeout = 0"));
    bool wrote = true;
    try {
      co_await connection.execute(insert("other"));
    } catch (const OperationalError&) {
      wrote = false;  // SQLITE_BUSY
    }
    co_return wrote;
  };
  bool other_wrote = true;
  const auto read_then_ask = [&](Connection& tx) -> awaitable<void> {
    co_await tx.fetch_val(text("SELECT count(*) FROM notes"));
    other_wrote = co_await other_writes_at_once();
  };
  run(database().transaction(read_then_ask));
  EXPECT_FALSE(other_wrote) << "BEGIN IMMEDIATE holds the write lock from the start";
  run(database().transaction({.deferred = true}, read_then_ask));
  EXPECT_TRUE(other_wrote) << "BEGIN DEFERRED has taken no write lock after a read";
  EXPECT_EQ(count(), 1);
  run(other.disconnect());
}

// A real failure a retry cures on each backend: PostgreSQL raises SQLSTATE
// 40001; on SQLite a deferred transaction whose snapshot another connection
// made stale gets SQLITE_BUSY_SNAPSHOT at its first write.
TEST_P(Transactions, RetriesRerunTheBlockOnlyForFailuresARetryCures) {
  if (is_memory()) GTEST_SKIP() << ":memory: has one connection: nothing else can make its snapshot stale";
  Database other(url());
  run(other.connect());
  int attempts = 0;
  const bool postgres = is_postgres();
  const auto fails_twice = [&](Connection& tx) -> awaitable<void> {
    ++attempts;
    co_await tx.fetch_val(text("SELECT count(*) FROM notes"));  // SQLite: the read snapshot starts here
    if (attempts <= 2 && postgres)
      co_await tx.execute(
          text("DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = 'serialization_failure'; END $$"));
    if (attempts <= 2 && !postgres) co_await other.execute(insert("elsewhere"));
    co_await tx.execute(insert("attempt " + std::to_string(attempts)));
  };
  run(database().transaction({.deferred = true, .retries = 3}, fails_twice));
  EXPECT_EQ(attempts, 3);
  const auto kept = run(database().fetch_val(text("SELECT count(*) FROM notes WHERE body LIKE 'attempt%'")));
  EXPECT_EQ(kept, Value(1));  // only the last attempt's row

  attempts = 0;
  EXPECT_THROW(run(database().transaction({.deferred = true, .retries = 1}, fails_twice)), Error);
  EXPECT_EQ(attempts, 2);  // one retry, then the error

  attempts = 0;
  const auto broken = [&](Connection& tx) -> awaitable<void> {
    ++attempts;
    co_await tx.execute(text("INSERT INTO missing_table VALUES (1)"));
  };
  EXPECT_THROW(run(database().transaction({.retries = 3}, broken)), ProgrammingError);
  EXPECT_EQ(attempts, 1);  // not an error a retry cures
  run(other.disconnect());
}

TEST_P(Transactions, ARetryRunsOnAFreshConnectionWhenTheRollbackFailsToo) {
  if (!is_postgres()) GTEST_SKIP() << "a server ending the session under a transaction is PostgreSQL's";
  Database other(url());
  run(other.connect());
  int attempts = 0;
  const auto loses_its_session = [&](Connection& tx) -> awaitable<void> {
    ++attempts;
    co_await tx.execute(insert("attempt " + std::to_string(attempts)));
    if (attempts > 1) co_return;
    const auto pid = co_await tx.fetch_val(text("SELECT pg_backend_pid()"));
    // Waits until the session is gone, so the rollback that follows fails.
    const auto end_session = text("SELECT pg_terminate_backend(CAST(:pid AS int), 5000)").bind("pid", pid);
    co_await other.execute(end_session);
    throw Error("a conflict", {.sqlstate = "40001"});
  };
  run(database().transaction({.retries = 2}, loses_its_session));
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(run(database().fetch_val(text("SELECT count(*) FROM notes WHERE body LIKE 'attempt%'"))), Value(1));
  run(other.disconnect());
}

INSTANTIATE_TEST_SUITE_P(Backends, Transactions, ::testing::ValuesIn(test::database_backends()));

}  // namespace
}  // namespace starling::db

// Database's statement API on every backend: execute's answers, fetch_all/one/val, every value type (exact
// decimals, chrono times), typed errors, execute_many all or nothing, iterate streaming, connect/disconnect.
#include <starling/db/database.hpp>

#include <starling/db/text.hpp>

#include "support/test_databases.hpp"

#include <gmock/gmock.h>
#include <nlohmann/json.hpp>

namespace starling::db {
namespace {

using test::run;
using ::testing::HasSubstr;

class DatabaseApi : public test::ConnectedDatabaseTest {
 protected:
  void SetUp() override {
    ConnectedDatabaseTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    create_notes_table();
  }
  void create_notes_table() {
    const std::string id = is_postgres() ? "SERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";
    run(database().execute(
        text("CREATE TABLE IF NOT EXISTS notes (id " + id + ", body TEXT NOT NULL UNIQUE, done BOOLEAN)")));
  }
  std::int64_t count() { return run(database().fetch_val(text("SELECT count(*) FROM notes"))).as<std::int64_t>(); }
};

TEST_P(DatabaseApi, ExecuteReportsRowcountLastrowidAndReturnedRowsApart) {
  // Written by hand, `RETURNING id` gives the id as a row on both backends.
  const auto first = run(database().execute(text("INSERT INTO notes (body, done) VALUES (:body, :done) RETURNING id")
                                                .bind("body", "one")
                                                .bind("done", false)));
  ASSERT_EQ(first.rows.size(), 1u);
  EXPECT_EQ(first.rowcount, 1);
  const auto first_id = first.rows.front().get<std::int64_t>("id");
  const auto second = run(database().execute(text("INSERT INTO notes (body, done) VALUES (:body, :done) RETURNING id")
                                                 .bind("body", "two")
                                                 .bind("done", true)));
  ASSERT_EQ(second.rows.size(), 1u);
  const auto second_id = second.rows.front().get<std::int64_t>("id");
  EXPECT_EQ(second_id, first_id + 1);
  EXPECT_EQ(run(database().fetch_val(text("SELECT body FROM notes WHERE id = :id").bind("id", second_id))),
            Value("two"));
  // Without RETURNING, SQLite still knows the last rowid; PostgreSQL cannot say.
  const auto third = run(database().execute(text("INSERT INTO notes (body, done) VALUES ('three', FALSE)")));
  EXPECT_EQ(third.rowcount, 1);
  EXPECT_TRUE(third.rows.empty());
  EXPECT_EQ(third.lastrowid, is_postgres() ? std::nullopt : std::optional<std::int64_t>(second_id + 1));
  const auto all = run(database().execute(text("UPDATE notes SET done = :done").bind("done", true)));
  EXPECT_EQ(all.rowcount, 3);
  EXPECT_EQ(all.lastrowid, std::nullopt);
  EXPECT_EQ(run(database().execute(text("DELETE FROM notes WHERE body = :body").bind("body", "nothing"))).rowcount, 0);
  const auto returned = run(database().execute(text("UPDATE notes SET done = FALSE WHERE body = 'two' RETURNING id")));
  EXPECT_EQ(returned.rowcount, 1);
  ASSERT_EQ(returned.rows.size(), 1u);
  EXPECT_EQ(returned.rows.front()["id"], Value(second_id));
  // A SELECT changes nothing, whatever it reads.
  const auto read = run(database().execute(text("SELECT 42")));
  EXPECT_EQ(read.rowcount, 0);
  EXPECT_TRUE(read.rows.empty());
  // Rows come only from a RETURNING clause, not from whatever a statement yields.
  EXPECT_TRUE(run(database().execute(text("WITH answer AS (SELECT 42 AS x) SELECT x FROM answer"))).rows.empty());
}

TEST_P(DatabaseApi, AQueryReadsATableThatChangedShapeSinceItRanInItsNewShape) {
  auto& database = open({.max_size = 1});  // one reader: the second read reuses the statement of the first
  const std::string select = "SELECT * FROM shapes";
  run(database.execute(text("CREATE TABLE shapes (id INTEGER PRIMARY KEY, n INTEGER)")));
  run(database.execute(text("INSERT INTO shapes (id, n) VALUES (1, 1)")));
  EXPECT_EQ(run(database.fetch_one(text(select)))->size(), 2u);

  run(database.execute(text("ALTER TABLE shapes ADD COLUMN done BOOLEAN")));
  run(database.execute(text("UPDATE shapes SET done = TRUE")));
  const auto widened = run(database.fetch_one(text(select)));
  ASSERT_EQ(widened->size(), 3u);
  EXPECT_EQ((*widened)["done"], Value(true));

  // Same width, other types: n is a BOOLEAN now, and reads as one.
  run(database.execute(text("DROP TABLE shapes")));
  run(database.execute(text("CREATE TABLE shapes (id INTEGER PRIMARY KEY, n BOOLEAN, done TEXT)")));
  run(database.execute(text("INSERT INTO shapes (id, n, done) VALUES (1, TRUE, 'yes')")));
  const auto rows = run(database.fetch_all(text(select)));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["n"], Value(true));
  EXPECT_EQ(rows[0]["done"], Value("yes"));
}

TEST_P(DatabaseApi, FetchAllFetchOneAndFetchValReadTypedRows) {
  run(database().execute(text("INSERT INTO notes (body, done) VALUES ('a', TRUE), ('b', FALSE)")));
  const auto rows = run(database().fetch_all(text("SELECT id, body, done FROM notes ORDER BY id")));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].get<std::string>("body"), "a");
  EXPECT_EQ(rows[0]["done"], Value(true));  // a BOOLEAN column reads back as bool on both backends
  EXPECT_EQ(rows[1][2], Value(false));
  EXPECT_EQ(nlohmann::json(rows[1])["done"], false);

  const auto one = run(database().fetch_one(text("SELECT body FROM notes WHERE body = :b").bind("b", "b")));
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->get<std::string>("body"), "b");
  EXPECT_FALSE(run(database().fetch_one(text("SELECT body FROM notes WHERE body = :b").bind("b", "z"))).has_value());
  EXPECT_EQ(run(database().fetch_val(text("SELECT count(*) FROM notes"))), Value(2));
  EXPECT_TRUE(run(database().fetch_val(text("SELECT body FROM notes WHERE body = 'none'"))).is_null());
  // A write answers its first row and still does all of its work.
  const auto inserted = run(database().fetch_one(text("INSERT INTO notes (body) VALUES ('c'), ('d') RETURNING body")));
  ASSERT_TRUE(inserted.has_value());
  EXPECT_EQ(inserted->get<std::string>("body"), "c");
  EXPECT_EQ(count(), 4);
}

TEST_P(DatabaseApi, ValuesRoundTripThroughEveryType) {
  const std::string blob_type = is_postgres() ? "BYTEA" : "BLOB";
  const std::string json_type = is_postgres() ? "JSONB" : "JSON";
  run(database().execute(text("CREATE TABLE kinds (i BIGINT, r DOUBLE PRECISION, t TEXT, b " + blob_type + ", j " +
                              json_type + ", n NUMERIC(10, 2), d DATE, ts TIMESTAMP, z INTEGER)")));
  const Blob blob{0, 1, 2, 255};
  const std::string tricky = "quote ' \" back\\slash\nnewline ü 🙂 ; DROP TABLE notes; --";
  run(database().execute(text("INSERT INTO kinds VALUES (:i, :r, :t, :b, :j, :n, :d, :ts, :z)")
                             .bind("i", std::int64_t{1} << 40)
                             .bind("r", 0.1)
                             .bind("t", tricky)
                             .bind("b", blob)
                             .bind("j", Value::from_json(nlohmann::json{{"a", {1, 2}}}))
                             .bind("n", 12.5)
                             .bind("d", "2024-02-29")
                             .bind("ts", "2024-02-29 13:14:15")
                             .bind("z", nullptr)));
  const auto row = run(database().fetch_one(text("SELECT * FROM kinds")));
  ASSERT_TRUE(row);
  EXPECT_EQ(row->get<std::int64_t>("i"), std::int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(row->get<double>("r"), 0.1);
  EXPECT_EQ(row->get<std::string>("t"), tricky);
  EXPECT_EQ(row->get<Blob>("b"), blob);
  EXPECT_EQ((*row)["j"].to_json(), (nlohmann::json{{"a", {1, 2}}}));
  EXPECT_DOUBLE_EQ(row->get<double>("n"), 12.5);
  EXPECT_EQ((*row)["n"].type(), ValueType::decimal);  // NUMERIC is an exact decimal on both backends
  EXPECT_EQ(row->get<std::string>("d"), "2024-02-29");
  EXPECT_EQ(row->get<std::string>("ts"), "2024-02-29 13:14:15");
  EXPECT_TRUE(row->is_null("z"));
}

TEST_P(DatabaseApi, ANumericColumnReadsBackAsAnExactDecimal) {
  run(database().execute(text("CREATE TABLE prices (small NUMERIC(10, 2), whole NUMERIC, big NUMERIC(30, 10))")));
  run(database().execute(text("INSERT INTO prices VALUES (:small, :whole, :big)")
                             .bind("small", Decimal{"12.50"})
                             .bind("whole", Decimal{"9007199254740993"})  // 2^53 + 1: no double holds it
                             .bind("big", Decimal{"1234567890.12345"})));
  const auto row = run(database().fetch_one(text("SELECT small, whole, big FROM prices")));
  ASSERT_TRUE(row);
  // Both give the column's scale back, as PostgreSQL writes it.
  EXPECT_EQ(row->get<std::string>("small"), "12.50");
  EXPECT_EQ(row->get<std::string>("whole"), "9007199254740993");
  EXPECT_EQ(row->get<std::int64_t>("whole"), 9007199254740993);
  EXPECT_EQ(row->get<std::string>("big"), "1234567890.1234500000");
  EXPECT_EQ(nlohmann::json(*row)["small"], 12.5);
  // Compared in SQL, the exact value matches itself.
  EXPECT_EQ(run(database().fetch_val(
                text("SELECT count(*) FROM prices WHERE small = :price").bind("price", Decimal{"12.5"}))),
            Value(1));
}

TEST_P(DatabaseApi, ADecimalSQLiteCannotHoldExactlyIsRefusedAtBind) {
  run(database().execute(text("CREATE TABLE prices (big NUMERIC(30, 10))")));
  const auto insert = [&](std::string digits) {
    auto statement = text("INSERT INTO prices VALUES (:big)").bind("big", Decimal{std::move(digits)});
    return run(database().execute(statement));
  };
  const std::string twenty_digits = "12345678901234567890.0123456789";
  if (is_postgres()) {
    insert(twenty_digits);
    EXPECT_EQ(run(database().fetch_val(text("SELECT big FROM prices"))).as<std::string>(), twenty_digits);
    return;
  }
  // SQLite's NUMERIC is a double past 64-bit integers: it would keep 15 digits without a word.
  try {
    insert(twenty_digits);
    FAIL() << "a 30-digit decimal was stored on SQLite";
  } catch (const DataError& error) {
    EXPECT_THAT(error.what(), HasSubstr("parameter 1 is a Decimal of 30 significant digits"));
    EXPECT_THAT(error.what(), HasSubstr("15 significant digits"));
  }
  EXPECT_THROW(insert("1e400"), DataError);
  EXPECT_THROW(insert("ten"), DataError);
  EXPECT_EQ(run(database().fetch_val(text("SELECT count(*) FROM prices"))), Value(0));
}

TEST_P(DatabaseApi, TimestampsAndDatesRoundTripAsChronoTypes) {
  using namespace std::chrono;
  if (is_postgres()) {
    // A server whose sessions would default to another zone: ours still run in UTC.
    run(database().execute(text("ALTER DATABASE \"" + url().database() + "\" SET TimeZone = 'Asia/Kolkata'")));
    open();
  }
  const std::string zoned = is_postgres() ? "TIMESTAMPTZ" : "TIMESTAMP";
  run(database().execute(text("CREATE TABLE events (at TIMESTAMP, at_zoned " + zoned + ", on_day DATE)")));
  const auto at = sys_days(2024y / February / 29) + 23h + 59min + 58s + 250ms;
  run(database().execute(text("INSERT INTO events VALUES (:at, :at_zoned, :day)")
                             .bind("at", at)
                             .bind("at_zoned", at)
                             .bind("day", 2024y / February / 29)));
  const auto row = run(database().fetch_one(text("SELECT at, at_zoned, on_day FROM events")));
  ASSERT_TRUE(row);
  EXPECT_EQ(row->get<sys_time<milliseconds>>("at"), at);
  EXPECT_EQ(row->get<sys_time<milliseconds>>("at_zoned"), at);  // PostgreSQL: "+00", UTC sessions
  EXPECT_EQ(row->get<year_month_day>("on_day"), 2024y / February / 29);
  // Compared in SQL, the written text is the same instant.
  EXPECT_EQ(run(database().fetch_val(text("SELECT count(*) FROM events WHERE at_zoned = :at").bind("at", at))),
            Value(1));
}

TEST_P(DatabaseApi, ConstraintErrorsMapToTheSameTypesOnEveryBackend) {
  run(database().execute(text("INSERT INTO notes (body) VALUES ('same')")));
  EXPECT_THROW(run(database().execute(text("INSERT INTO notes (body) VALUES ('same')"))), UniqueViolation);
  EXPECT_THROW(run(database().execute(text("INSERT INTO notes (body) VALUES (NULL)"))), NotNullViolation);
  run(database().execute(text("CREATE TABLE tags (note_id INTEGER NOT NULL REFERENCES notes (id))")));
  EXPECT_THROW(run(database().execute(text("INSERT INTO tags VALUES (:id)").bind("id", 999))), ForeignKeyViolation);
  EXPECT_EQ(count(), 1);
}

TEST_P(DatabaseApi, BadSqlIsAProgrammingErrorNamingTheSqlButNotTheValues) {
  try {
    run(database().fetch_all(text("SELECT nope FROM notes WHERE body = :secret").bind("secret", "hunter2")));
    FAIL() << "no error";
  } catch (const ProgrammingError& error) {
    EXPECT_NE(std::string(error.what()).find("SELECT nope FROM notes"), std::string::npos) << error.what();
    EXPECT_EQ(std::string(error.what()).find("hunter2"), std::string::npos) << error.what();
  }
  EXPECT_EQ(count(), 0);  // the pool still works
}

TEST_P(DatabaseApi, ExecuteManyRunsEveryRowAllOrNothing) {
  std::vector<Values> rows;
  for (int i = 0; i < 250; ++i) rows.push_back({{"body", "note " + std::to_string(i)}, {"done", i % 2 == 0}});
  run(database().execute_many(text("INSERT INTO notes (body, done) VALUES (:body, :done)"), rows));
  EXPECT_EQ(count(), 250);

  // A duplicate in the middle: nothing of the batch is stored.
  std::vector<Values> bad = {
      {{"body", "x1"}, {"done", true}}, {{"body", "note 7"}, {"done", true}}, {{"body", "x2"}, {"done", true}}};
  EXPECT_THROW(run(database().execute_many(text("INSERT INTO notes (body, done) VALUES (:body, :done)"), bad)),
               UniqueViolation);
  EXPECT_EQ(count(), 250);
}

// A failure late in a large batch (PostgreSQL: the rows before it all ran,
// in the same round trip) undoes the rows before it, and the pool goes on;
// inside a transaction the batch is a savepoint of it.
TEST_P(DatabaseApi, ExecuteManyOfUpdatesIsAllOrNothing) {
  std::vector<Values> rows;
  for (int i = 0; i < 700; ++i) rows.push_back({{"body", "n" + std::to_string(i)}, {"done", false}});
  run(database().execute_many(text("INSERT INTO notes (body, done) VALUES (:body, :done)"), rows));
  const auto update = text("UPDATE notes SET body = :new, done = TRUE WHERE body = :old");
  std::vector<Values> renames;
  for (int i = 0; i < 700; ++i) renames.push_back({{"new", "m" + std::to_string(i)}, {"old", "n" + std::to_string(i)}});
  renames[600] = {{"new", "m0"}, {"old", "n600"}};  // m0 exists by then: a UniqueViolation
  EXPECT_THROW(run(database().execute_many(update, renames)), UniqueViolation);
  const auto done = [&] { return run(database().fetch_val(text("SELECT count(*) FROM notes WHERE done"))); };
  EXPECT_EQ(done(), Value(0));

  renames[600] = {{"new", "m600"}, {"old", "n600"}};
  run(database().transaction([&](Connection& tx) -> awaitable<void> {
    co_await tx.execute_many(update, renames);
    EXPECT_EQ(co_await tx.fetch_val(text("SELECT body FROM notes WHERE body = 'm699'")), Value("m699"));
  }));
  EXPECT_EQ(done(), Value(700));
}

// Raw SQL with many rows: one statement prepared, run once per row.
TEST_P(DatabaseApi, ExecuteManyPreparesItsStatementOnce) {
  if (!is_postgres()) GTEST_SKIP() << "pg_prepared_statements is PostgreSQL's";
  run([&]() -> awaitable<void> {
    auto held = co_await database().connection();
    const auto prepared = [&]() -> awaitable<Value> {
      co_return co_await held.fetch_val(text("SELECT count(*) FROM pg_prepared_statements"));
    };
    const auto before = (co_await prepared()).as<std::int64_t>();
    std::vector<Values> rows;
    for (int i = 0; i < 100; ++i) rows.push_back({{"body", "note " + std::to_string(i)}, {"done", false}});
    co_await held.execute_many(text("INSERT INTO notes (body, done) VALUES (:body, :done)"), rows);
    EXPECT_EQ((co_await prepared()).as<std::int64_t>(), before + 1);
  }());
  EXPECT_EQ(count(), 100);
}

TEST_P(DatabaseApi, AStreamDroppedInsideATransactionClosesBeforeTheCommit) {
  open({.max_size = 4});  // several driver threads: the close must still not run beside the COMMIT
  create_notes_table();   // a new :memory: database
  run(database().execute(text("INSERT INTO notes (body, done) VALUES ('a', TRUE), ('b', FALSE), ('c', TRUE)")));
  for (int i = 0; i < 50; ++i) {
    run([&]() -> awaitable<void> {
      auto tx = co_await database().begin();
      {
        auto stream = co_await tx.iterate(text("SELECT body FROM notes ORDER BY id"), 1);
        EXPECT_TRUE((co_await stream.next()).has_value());
      }  // dropped half-read
      co_await tx.execute(text("UPDATE notes SET done = NOT done WHERE body = 'a'"));
      co_await tx.commit();
    }());
  }
  EXPECT_EQ(run(database().fetch_val(text("SELECT done FROM notes WHERE body = 'a'"))), Value(true));  // 50 flips
}

TEST_P(DatabaseApi, IterateStreamsRowsInBatchesAndGivesTheConnectionBack) {
  std::vector<Values> rows;
  for (int i = 0; i < 1000; ++i) rows.push_back({{"body", "n" + std::to_string(i)}, {"done", false}});
  run(database().execute_many(text("INSERT INTO notes (body, done) VALUES (:body, :done)"), rows));

  const auto total = run([&]() -> awaitable<std::int64_t> {
    auto stream = co_await database().iterate(text("SELECT id, body FROM notes ORDER BY id"), 64);
    std::int64_t seen = 0;
    while (auto row = co_await stream.next()) {
      EXPECT_EQ(row->get<std::string>("body"), "n" + std::to_string(seen));
      ++seen;
    }
    EXPECT_FALSE(co_await stream.next());
    co_return seen;
  }());
  EXPECT_EQ(total, 1000);

  // Stopping early closes the cursor and frees the connection.
  run([&]() -> awaitable<void> {
    auto stream = co_await database().iterate(text("SELECT id FROM notes"), 10);
    EXPECT_TRUE(co_await stream.next());
  }());
  EXPECT_EQ(count(), 1000);
  // The connection comes back from a driver thread: 5 s at most, for a busy machine.
  for (int i = 0; i < 500 && database().stats().in_use > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(database().stats().in_use, 0u);
}

// Rows come from the database as the stream asks for them: a row that fails
// far into the result fails when the stream reaches it, not at iterate().
TEST_P(DatabaseApi, IterateReadsRowsAsTheStreamAsksForThemNotAllAtOnce) {
  // Past row 500, each row's value is an error: a division by zero, or SQLite's integer overflow.
  const std::string failing = is_postgres() ? "1 / (i - i)" : "abs((i - i) - 9223372036854775807 - 1)";
  const auto query = text(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
      "SELECT CASE WHEN i <= 500 THEN i ELSE " +
      failing + " END AS v FROM n");
  run([&]() -> awaitable<void> {
    auto stream = co_await database().iterate(query, 50);
    std::int64_t read = 0;
    while (read < 500) {
      const auto row = co_await stream.next();
      if (!row || row->get<std::int64_t>("v") != read + 1) break;
      ++read;
    }
    EXPECT_EQ(read, 500);
    bool row_501_failed = false;
    try {
      co_await stream.next();
    } catch (const Error&) {
      row_501_failed = true;
    }
    EXPECT_TRUE(row_501_failed);
  }());
  EXPECT_EQ(count(), 0);  // the connection came back usable
}

TEST_P(DatabaseApi, ConnectAndDisconnectAreIdempotentAndAQueryBeforeConnectSaysSo) {
  run(database().connect());
  EXPECT_TRUE(database().is_connected());
  run(database().disconnect());
  run(database().disconnect());
  EXPECT_FALSE(database().is_connected());
  try {
    run(database().fetch_all(text("SELECT 1")));
    FAIL() << "no error";
  } catch (const ProgrammingError& error) {
    EXPECT_NE(std::string(error.what()).find("not connected"), std::string::npos) << error.what();
  }
  run(database().connect());
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseApi, ::testing::ValuesIn(test::database_backends()));

}  // namespace
}  // namespace starling::db

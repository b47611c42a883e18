// The SQLite connection on a file: typed rows and errors, bound values, the statement cache, WAL and foreign
// keys, the busy timeout, fetch_first and settle ending reads, and short reads run together in one snapshot.
#include "backends/sqlite/sqlite_connection.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <limits>
#include <thread>
#include <vector>

#include <unistd.h>

using namespace starling::db;
using backend::SqliteConnection;

namespace {

// A real SQLite file per test, removed afterwards.
class SqliteConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("starling-sqlite-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    std::filesystem::remove(path_);
    connection_ = std::make_unique<SqliteConnection>(DatabaseURL("sqlite:///" + path_.string()));
    connection_->execute(
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, text VARCHAR NOT NULL UNIQUE, completed BOOLEAN, "
        "owner INTEGER REFERENCES owners(id))",
        {});
    connection_->execute("CREATE TABLE owners (id INTEGER PRIMARY KEY)", {});
  }
  void TearDown() override {
    connection_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
  }

  std::filesystem::path path_;
  std::unique_ptr<SqliteConnection> connection_;
};

template <class E, class F>
std::string error_of(F&& run) {
  try {
    run();
  } catch (const E& e) {
    return e.what();
  }
  return "(no error of the expected type)";
}

}  // namespace

TEST_F(SqliteConnectionTest, SqlWithASemicolonAndTrailingSpaceOrCommentRuns) {
  // SQLite keeps only the statement's own text (up to its ';'), not what follows.
  EXPECT_EQ(connection_->execute("SELECT 41 + 1;\n  ", {}).rows[0][0], Value(42));
  EXPECT_EQ(connection_->execute("  SELECT 43; -- the answer\n", {}).rows[0][0], Value(43));
}

TEST_F(SqliteConnectionTest, InsertReturnsIdAndSelectReadsTypedRows) {
  auto inserted = connection_->execute("INSERT INTO notes (text, completed) VALUES (?, ?)", {Value("a"), Value(true)});
  EXPECT_EQ(inserted.rows_affected, 1);
  EXPECT_EQ(inserted.last_insert_id, 1);
  connection_->execute("INSERT INTO notes (text, completed) VALUES (?, ?)", {Value("b"), Value(false)});
  auto selected = connection_->execute("SELECT id, text, completed FROM notes ORDER BY id", {});
  ASSERT_EQ(selected.rows.size(), 2u);
  EXPECT_EQ(selected.rows[1].get<std::int64_t>("id"), 2);
  EXPECT_EQ(selected.rows[1].get<std::string>("text"), "b");
  EXPECT_FALSE(selected.rows[1].get<bool>("completed"));
  EXPECT_EQ(selected.rows_affected, 0);
  EXPECT_FALSE(selected.last_insert_id.has_value());
}

TEST_F(SqliteConnectionTest, UpdateAndDeleteCountRowsDdlCountsNone) {
  for (const char* text : {"a", "b", "c"}) connection_->execute("INSERT INTO notes (text) VALUES (?)", {Value(text)});
  EXPECT_EQ(connection_->execute("UPDATE notes SET completed = ? WHERE id > ?", {Value(true), Value(1)}).rows_affected,
            2);
  EXPECT_EQ(connection_->execute("DELETE FROM notes", {}).rows_affected, 3);
  EXPECT_EQ(connection_->execute("CREATE INDEX notes_completed ON notes (completed)", {}).rows_affected, 0);
}

TEST_F(SqliteConnectionTest, ValuesAreBoundNeverSpliced) {
  const std::string hostile = "x'); DROP TABLE notes; --";
  connection_->execute("INSERT INTO notes (text) VALUES (?)", {Value(hostile)});
  auto rows = connection_->execute("SELECT text FROM notes", {}).rows;
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].get<std::string>("text"), hostile);
}

TEST_F(SqliteConnectionTest, NullsBlobsAndRealsRoundTrip) {
  connection_->execute("CREATE TABLE misc (b BLOB, r REAL, n TEXT)", {});
  connection_->execute("INSERT INTO misc VALUES (?, ?, ?)", {Value(Blob{0, 255, 7}), Value(0.25), Value()});
  auto row = connection_->execute("SELECT b, r, n FROM misc", {}).rows.at(0);
  EXPECT_EQ(row.get<Blob>("b"), (Blob{0, 255, 7}));
  EXPECT_EQ(row.get<double>("r"), 0.25);
  EXPECT_TRUE(row.is_null("n"));
}

TEST_F(SqliteConnectionTest, ConstraintViolationsAreTyped) {
  connection_->execute("INSERT INTO notes (text) VALUES (?)", {Value("same")});
  EXPECT_THROW(connection_->execute("INSERT INTO notes (text) VALUES (?)", {Value("same")}), UniqueViolation);
  EXPECT_THROW(connection_->execute("INSERT INTO notes (id, text) VALUES (?, ?)", {Value(1), Value("other")}),
               UniqueViolation);
  EXPECT_THROW(connection_->execute("INSERT INTO notes (text) VALUES (?)", {Value()}), NotNullViolation);
  // foreign_keys is on: an unknown owner is refused.
  EXPECT_THROW(connection_->execute("INSERT INTO notes (text, owner) VALUES (?, ?)", {Value("x"), Value(99)}),
               ForeignKeyViolation);
  EXPECT_EQ(connection_->execute("SELECT count(*) AS n FROM notes", {}).rows.at(0).get<int>("n"), 1);
}

TEST_F(SqliteConnectionTest, BadSqlNamesTheSqlButNotTheValues) {
  const auto message = error_of<ProgrammingError>(
      [&] { connection_->execute("SELECT nope FROM notes WHERE text = ?", {Value("secret-value")}); });
  EXPECT_NE(message.find("SELECT nope FROM notes"), std::string::npos) << message;
  EXPECT_EQ(message.find("secret-value"), std::string::npos) << message;
  EXPECT_THROW(connection_->execute("SELEC 1", {}), ProgrammingError);
  EXPECT_THROW(connection_->execute("SELECT * FROM missing_table", {}), ProgrammingError);
}

TEST_F(SqliteConnectionTest, WrongParameterCountIsAProgrammingError) {
  const auto message = error_of<ProgrammingError>([&] { connection_->execute("SELECT ? + ?", {Value(1)}); });
  EXPECT_NE(message.find("takes 2 parameters but 1 were given"), std::string::npos) << message;
}

TEST_F(SqliteConnectionTest, CachedStatementsAreReusedAndRecoverAfterErrors) {
  for (int i = 0; i < 5; ++i)
    connection_->execute("INSERT INTO notes (text) VALUES (?)", {Value("n" + std::to_string(i))});
  EXPECT_THROW(connection_->execute("INSERT INTO notes (text) VALUES (?)", {Value("n0")}), UniqueViolation);
  connection_->execute("INSERT INTO notes (text) VALUES (?)", {Value("n5")});
  EXPECT_EQ(connection_->execute("SELECT count(*) AS n FROM notes", {}).rows.at(0).get<int>("n"), 6);
}

TEST_F(SqliteConnectionTest, FilesUseWalAndForeignKeys) {
  EXPECT_EQ(connection_->execute("PRAGMA journal_mode", {}).rows.at(0)[0].as<std::string>(), "wal");
  EXPECT_EQ(connection_->execute("PRAGMA foreign_keys", {}).rows.at(0)[0].as<int>(), 1);
}

// Another connection (another process, say) holding the write lock: a write
// waits for it up to the busy timeout instead of failing with "database is locked".
TEST_F(SqliteConnectionTest, AWriteWaitsOutAnotherWritersLockUpToTheBusyTimeout) {
  using namespace std::chrono_literals;
  const DatabaseURL url("sqlite:///" + path_.string());
  SqliteConnection other(url);
  other.execute("BEGIN IMMEDIATE", {});
  // Before the thread starts: the commit then comes 300 ms after `started` at the earliest.
  const auto started = std::chrono::steady_clock::now();
  std::thread committer([&] {
    std::this_thread::sleep_for(300ms);
    other.execute("COMMIT", {});
  });
  EXPECT_NO_THROW(connection_->execute("INSERT INTO owners (id) VALUES (1)", {}));
  const auto waited = std::chrono::steady_clock::now() - started;
  committer.join();
  EXPECT_GE(waited, 200ms);

  SqliteConnection impatient(url, {}, 50ms);
  other.execute("BEGIN IMMEDIATE", {});
  const auto message = error_of<OperationalError>([&] { impatient.execute("INSERT INTO owners (id) VALUES (2)", {}); });
  other.execute("ROLLBACK", {});
  EXPECT_NE(message.find("locked"), std::string::npos) << message;
}

TEST(SqliteConnection, MemoryDatabaseOpens) {
  SqliteConnection memory(DatabaseURL("sqlite:///:memory:"));
  EXPECT_EQ(memory.execute("SELECT 1 + 1 AS two", {}).rows.at(0).get<int>("two"), 2);
}

TEST(SqliteConnection, UnopenableFileIsAConnectionErrorNamingIt) {
  const auto message =
      error_of<ConnectionError>([] { SqliteConnection bad(DatabaseURL("sqlite:////nonexistent-dir/x/notes.db")); });
  EXPECT_NE(message.find("/nonexistent-dir/x/notes.db"), std::string::npos) << message;
}

TEST_F(SqliteConnectionTest, FetchFirstReadsTheFirstRowOnlyAndSettleEndsTheRead) {
  // The second row overflows: reading it would be an error.
  const std::string sql = "SELECT abs(x) AS a FROM (SELECT 1 AS x UNION ALL SELECT -9223372036854775807 - 1)";
  EXPECT_NE(error_of<Error>([&] { connection_->execute(sql, {}); }), "(no error of the expected type)");
  const auto first = connection_->fetch_first(sql, {});
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->get<std::int64_t>("a"), 1);

  // Until settled, a read of a table keeps its snapshot: a truncating checkpoint (no busy wait) cannot finish.
  connection_->execute("INSERT INTO owners (id) VALUES (1), (2)", {});
  ASSERT_TRUE(connection_->fetch_first("SELECT id FROM owners ORDER BY id", {}).has_value());
  SqliteConnection other(DatabaseURL("sqlite:///" + path_.string()), {}, std::chrono::milliseconds(0));
  other.execute("INSERT INTO owners (id) VALUES (3)", {});
  const auto checkpoint_busy = [&] { return other.execute("PRAGMA wal_checkpoint(TRUNCATE)", {}).rows.at(0)[0]; };
  EXPECT_EQ(checkpoint_busy(), Value(1));
  connection_->settle();
  EXPECT_EQ(checkpoint_busy(), Value(0));
  EXPECT_FALSE(connection_->fetch_first("SELECT id FROM notes", {}).has_value());
}

TEST_F(SqliteConnectionTest, AnyStatementAfterFetchFirstEndsItsReadFirst) {
  connection_->execute("INSERT INTO owners (id) VALUES (1), (2)", {});
  ASSERT_TRUE(connection_->fetch_first("SELECT id FROM owners ORDER BY id", {}).has_value());
  // Not settled: the write after it still runs on its own, outside the read.
  connection_->execute("INSERT INTO owners (id) VALUES (3)", {});
  SqliteConnection other(DatabaseURL("sqlite:///" + path_.string()), {}, std::chrono::milliseconds(0));
  EXPECT_EQ(other.execute("SELECT count(*) FROM owners", {}).rows.at(0)[0], Value(3));
  EXPECT_EQ(other.execute("PRAGMA wal_checkpoint(TRUNCATE)", {}).rows.at(0)[0], Value(0));
}

// Reads run together share one read transaction, each with its own outcome.
TEST_F(SqliteConnectionTest, ReadsRunTogetherEachGetTheirOwnOutcomeInOneSnapshot) {
  for (const char* text : {"a", "b", "c"}) connection_->execute("INSERT INTO notes (text) VALUES (?)", {Value(text)});
  const std::string by_id = "SELECT text FROM notes WHERE id = ?", all = "SELECT text FROM notes ORDER BY id",
                    overflow = "SELECT abs(?)";
  const std::vector<Value> two = {Value(2)}, none, smallest = {Value(std::numeric_limits<std::int64_t>::min())};
  const std::vector<backend::PipelineStatement> statements = {
      {&by_id, &two, true}, {&overflow, &smallest, true}, {&all, &none, true, true}, {&all, &none, true}};
  const auto outcomes = connection_->run_pipeline(statements);
  ASSERT_EQ(outcomes.size(), 4u);
  EXPECT_EQ(outcomes[0].result.rows.at(0)[0], Value("b"));
  EXPECT_TRUE(outcomes[1].error);                 // integer overflow: that read fails, and only that one
  EXPECT_EQ(outcomes[2].result.rows.size(), 1u);  // the first row only, as asked
  EXPECT_EQ(outcomes[3].result.rows.size(), 3u);
  EXPECT_FALSE(connection_->in_transaction());  // the shared read ended
  // And a writer is not held up by a read left open.
  SqliteConnection other(DatabaseURL("sqlite:///" + path_.string()), {}, std::chrono::milliseconds(0));
  EXPECT_NO_THROW(other.execute("INSERT INTO notes (text) VALUES ('d')", {}));
}

// Only reads SQLite itself says write nothing, that ran here before and were short.
TEST_F(SqliteConnectionTest, OnlyShortReadsItRanBeforeRunTogether) {
  const std::string select = "SELECT text FROM notes WHERE id = ?", insert = "INSERT INTO notes (text) VALUES (?)",
                    slow =
                        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) "
                        "SELECT count(*) FROM c WHERE x > ?";
  const std::vector<Value> one = {Value(1)}, text = {Value("x")};
  EXPECT_FALSE(connection_->pipelines({&select, &one, true}));  // not run yet: how long it takes is unknown
  // A run slowed by a busy machine counts fully, then fades: run it until known short, 10 s at most.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  do connection_->execute(select, one);
  while (!connection_->pipelines({&select, &one, true}) && std::chrono::steady_clock::now() < give_up);
  connection_->execute(insert, text);
  connection_->execute(slow, one);
  EXPECT_TRUE(connection_->pipelines({&select, &one, true}));
  EXPECT_FALSE(connection_->pipelines({&select, &one, false}));  // the query did not say it only reads
  EXPECT_FALSE(connection_->pipelines({&insert, &text, true}));  // it said so, wrongly: SQLite knows better
  EXPECT_FALSE(connection_->pipelines({&slow, &one, true}));
}

TEST(SqliteConnectionOpening, ConnectionsOpeningANewFileAtOnceAllSucceed) {
  // Each switch to WAL may find another's lock in its way; SQLite answers BUSY
  // at once there (seen as two `notes db upgrade` processes racing on a new file).
  for (int round = 0; round < 100; ++round) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("starling-sqlite-race-" + std::to_string(::getpid()) + "-" + std::to_string(round) + ".db");
    std::atomic<int> ready{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> openers;
    for (int i = 0; i < 6; ++i)
      openers.emplace_back([&] {
        ++ready;
        while (ready.load() < 6) std::this_thread::yield();
        try {
          SqliteConnection connection(DatabaseURL("sqlite:///" + path.string()));
        } catch (const ConnectionError&) {
          ++failures;
        }
      });
    for (auto& opener : openers) opener.join();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
    ASSERT_EQ(failures.load(), 0) << "in round " << round;
  }
}

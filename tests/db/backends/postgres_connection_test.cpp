// The PostgreSQL connection on a live server: the prepared-statement cache, stale plans, pipelines and
// execute_all in one round trip, errors that leave out values and passwords, cursors, floats in any locale.
#include "backends/postgres/postgres_connection.hpp"

#include "support/german_locale.hpp"
#include "support/test_databases.hpp"

#include <libpq-fe.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace starling::db::backend {
namespace {

template <class Expected>
bool fails_with(const std::exception_ptr& error) {
  try {
    if (error) std::rethrow_exception(error);
  } catch (const Expected&) {
    return true;
  } catch (...) {
  }
  return false;
}

class PostgresConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_.emplace("postgresql");
    if (!database_->available()) {
      if (database_->skipped()) GTEST_SKIP() << "STARLING_SKIP_POSTGRES is set";
      FAIL() << "STARLING_TEST_POSTGRES_URL is not set: run the tests with scripts/test";
    }
    connection_ = std::make_unique<PostgresConnection>(database_->url());
  }
  void TearDown() override {
    connection_.reset();
    database_.reset();
  }
  // The server ends connection_, as a restart would, right after `sql`
  // (the backend's pid + $1, with `zero` for $1) ran on it: prepared, it is sent as is.
  void end_connection_after(const std::string& sql, const std::vector<Value>& zero) {
    const auto pid = connection_->execute(sql, zero).rows.at(0)[0];
    PostgresConnection other(database_->url());
    other.execute("SELECT pg_terminate_backend($1::int)", {pid});
  }
  std::optional<test::TestDatabase> database_;
  std::unique_ptr<PostgresConnection> connection_;
};

TEST_F(PostgresConnectionTest, TextWithANulCharacterIsADataErrorAndNothingIsSent) {
  connection_->execute("CREATE TABLE t (s TEXT)", {});
  EXPECT_THROW(connection_->execute("INSERT INTO t VALUES ($1)", {Value(std::string("a\0b", 3))}), DataError);
  EXPECT_EQ(connection_->execute("SELECT count(*) FROM t", {}).rows[0][0], Value(0));
}

TEST_F(PostgresConnectionTest, ADataErrorsMessageLeavesOutTheValueThatFailed) {
  connection_->execute("CREATE TABLE t (n INTEGER, d DATE)", {});
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"INSERT INTO t (n) VALUES ($1)", "hunter2"},      // invalid input syntax for type integer: "..."
      {"INSERT INTO t (n) VALUES ($1)", "99999999999"},  // value "..." is out of range for type integer
      {"INSERT INTO t (d) VALUES ($1)", "secret-day"}};  // invalid input syntax for type date: "..."
  for (const auto& [sql, value] : cases) {
    try {
      connection_->execute(sql, {Value(value)});
      ADD_FAILURE() << sql << " took " << value;
    } catch (const DataError& error) {
      const std::string what = error.what();
      EXPECT_EQ(what.find(value), std::string::npos) << what;
      const bool names_the_problem =
          what.find("input syntax") != std::string::npos || what.find("out of range") != std::string::npos;
      EXPECT_TRUE(names_the_problem) << what;
      EXPECT_NE(what.find(sql), std::string::npos) << what;  // and the SQL
    }
  }
}

// A statement is prepared once per connection, and runs again with other values.
TEST_F(PostgresConnectionTest, EachStatementIsPreparedOnceAndReused) {
  connection_->execute("CREATE TABLE t (n INTEGER)", {});
  const auto prepared = [&] {
    return connection_->execute("SELECT count(*) FROM pg_prepared_statements", {}).rows[0][0].as<std::int64_t>();
  };
  const auto before = prepared();  // this statement among them
  for (int i = 0; i < 20; ++i) connection_->execute("INSERT INTO t (n) VALUES ($1)", {Value(i)});
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(connection_->execute("SELECT n FROM t WHERE n = $1", {Value(i)}).rows.size(), 1u);
  EXPECT_EQ(prepared(), before + 2);
}

// The cache is bounded: past 256 statements it starts again, and every statement still runs.
TEST_F(PostgresConnectionTest, TheStatementCacheStaysBoundedAndKeepsWorking) {
  for (int i = 0; i < 300; ++i) {
    const auto sql = "SELECT " + std::to_string(i) + " + $1";
    EXPECT_EQ(connection_->execute(sql, {Value(1)}).rows.at(0)[0], Value(i + 1)) << sql;
  }
  const auto prepared = connection_->execute("SELECT count(*) FROM pg_prepared_statements", {}).rows[0][0];
  EXPECT_LE(prepared.as<std::int64_t>(), 256);
  EXPECT_EQ(connection_->execute("SELECT 299 + $1", {Value(1)}).rows.at(0)[0], Value(300));
}

TEST_F(PostgresConnectionTest, AStatementOnAConnectionTheServerEndedIsAConnectionError) {
  const auto pid = connection_->execute("SELECT pg_backend_pid() + $1", {Value(0)}).rows.at(0)[0];
  PostgresConnection other(database_->url());
  other.execute("SELECT pg_terminate_backend($1::int)", {pid});
  EXPECT_THROW(connection_->execute("SELECT pg_backend_pid() + $1", {Value(0)}), ConnectionError);
  EXPECT_FALSE(connection_->is_alive());
  EXPECT_THROW(connection_->execute("SELECT 1", {}), ConnectionError);  // never used again
}

// A migration's script: several statements in one text, without parameters.
TEST_F(PostgresConnectionTest, AScriptOfSeveralStatementsRunsWhole) {
  connection_->execute("CREATE TABLE a (n INTEGER); CREATE TABLE b (n INTEGER); INSERT INTO b VALUES (1)", {});
  EXPECT_EQ(connection_->execute("SELECT count(*) FROM a", {}).rows.at(0)[0], Value(0));
  EXPECT_EQ(connection_->execute("SELECT n FROM b", {}).rows.at(0)[0], Value(1));
}

TEST_F(PostgresConnectionTest, APreparedStatementSurvivesItsTableChangingShape) {
  connection_->execute("CREATE TABLE t (a INTEGER)", {});
  connection_->execute("INSERT INTO t VALUES ($1)", {Value(1)});
  EXPECT_EQ(connection_->execute("SELECT * FROM t", {}).columns->size(), 1u);
  connection_->execute("ALTER TABLE t ADD COLUMN b TEXT", {});
  EXPECT_EQ(connection_->execute("SELECT * FROM t", {}).columns->size(), 2u);  // re-prepared, not an error
}

// Inside a transaction the stale plan's error aborts it, so it cannot be run
// again there: the error says why (not "current transaction is aborted"), and
// the statement is prepared afresh for its next run, in a transaction or not.
TEST_F(PostgresConnectionTest, AStalePlanInsideATransactionSaysWhyAndIsPreparedAfreshAfterIt) {
  connection_->execute("CREATE TABLE t (a INTEGER)", {});
  connection_->execute("INSERT INTO t VALUES ($1)", {Value(1)});
  const std::string select = "SELECT * FROM t WHERE a = $1";
  EXPECT_EQ(connection_->execute(select, {Value(1)}).columns->size(), 1u);
  connection_->execute("ALTER TABLE t ADD COLUMN b TEXT", {});
  connection_->execute("BEGIN", {});
  try {
    connection_->execute(select, {Value(1)});
    ADD_FAILURE() << "a stale plan ran";
  } catch (const OperationalError& error) {
    EXPECT_NE(std::string(error.what()).find("changed shape since this connection prepared it"), std::string::npos)
        << error.what();
  }
  connection_->execute("ROLLBACK", {});
  connection_->execute("BEGIN", {});
  EXPECT_EQ(connection_->execute(select, {Value(1)}).columns->size(), 2u);
  connection_->execute("COMMIT", {});
}

// execute_all runs in the caller's transaction: after a stale plan fails it,
// the next batch prepares the statement afresh instead of failing for ever.
TEST_F(PostgresConnectionTest, ExecuteAllAfterAStalePlanFailedItsTransactionRunsAgain) {
  connection_->execute("CREATE TABLE t (a INTEGER)", {});
  const std::string insert = "INSERT INTO t (a) VALUES ($1) RETURNING *";
  const std::vector<Value> one = {Value(1)}, two = {Value(2)};
  const std::vector<PipelineStatement> statements = {{&insert, &one}, {&insert, &two}};
  connection_->execute("BEGIN", {});
  connection_->execute_all(statements);
  connection_->execute("COMMIT", {});
  connection_->execute("ALTER TABLE t ADD COLUMN b TEXT", {});
  connection_->execute("BEGIN", {});
  EXPECT_THROW(connection_->execute_all(statements), OperationalError);
  connection_->execute("ROLLBACK", {});
  connection_->execute("BEGIN", {});
  EXPECT_NO_THROW(connection_->execute_all(statements));
  connection_->execute("COMMIT", {});
  EXPECT_EQ(connection_->execute("SELECT count(*) FROM t", {}).rows.at(0)[0], Value(4));
}

// Statements of a pipeline run in turn, each in its own implicit transaction:
// a failure fails that statement only, and what ran before it stays.
TEST_F(PostgresConnectionTest, EachStatementOfAPipelineRunsAsIfAlone) {
  connection_->execute("CREATE TABLE t (n INTEGER PRIMARY KEY, s TEXT)", {});
  const std::string insert = "INSERT INTO t (n, s) VALUES ($1, $2)", count = "SELECT count(*) FROM t";
  const std::vector<std::vector<Value>> params = {{Value(1), Value("a")},
                                                  {Value(1), Value("again")},
                                                  {Value(2), Value(std::string("nul\0", 4))},
                                                  {Value(3), Value("c")},
                                                  {}};
  const std::vector<PipelineStatement> statements = {
      {&insert, &params[0]}, {&insert, &params[1]}, {&insert, &params[2]}, {&insert, &params[3]}, {&count, &params[4]}};
  const auto outcomes = connection_->run_pipeline(statements);
  ASSERT_EQ(outcomes.size(), 5u);
  EXPECT_FALSE(outcomes[0].error);
  EXPECT_EQ(outcomes[0].result.rows_affected, 1);
  EXPECT_TRUE(fails_with<UniqueViolation>(outcomes[1].error));
  EXPECT_TRUE(fails_with<DataError>(outcomes[2].error));  // refused before anything was sent
  EXPECT_FALSE(outcomes[3].error);
  EXPECT_EQ(outcomes[4].result.rows.at(0)[0], Value(2));  // 1 and 3: the failures undid nothing else
  EXPECT_FALSE(connection_->in_transaction());
  EXPECT_EQ(connection_->execute("SELECT n FROM t ORDER BY n", {}).rows.size(),
            2u);  // and it goes on outside the pipeline
}

TEST_F(PostgresConnectionTest, APipelinedStatementWhosePlanWentStaleRunsAgain) {
  connection_->execute("CREATE TABLE t (a INTEGER)", {});
  const std::string select = "SELECT * FROM t WHERE a = $1";
  EXPECT_EQ(connection_->execute(select, {Value(1)}).columns->size(), 1u);
  connection_->execute("ALTER TABLE t ADD COLUMN b TEXT", {});
  connection_->execute("INSERT INTO t VALUES ($1, $2)", {Value(1), Value("x")});
  const std::vector<Value> one = {Value(1)};
  const std::vector<PipelineStatement> statements = {{&select, &one}, {&select, &one}};
  for (const auto& outcome : connection_->run_pipeline(statements)) {
    EXPECT_FALSE(outcome.error);
    EXPECT_EQ(outcome.result.columns->size(), 2u);
    EXPECT_EQ(outcome.result.rows.at(0)[1], Value("x"));
  }
}

// Only plain data statements known to be short share a round trip: one that
// could open a transaction never, and a slow one would hold up those behind it.
TEST_F(PostgresConnectionTest, OnlyShortDataStatementsArePipelined) {
  const std::string quick = "SELECT $1::int + 1", slow = "SELECT pg_sleep($1)",
                    with = "WITH x AS (SELECT $1::int AS n) SELECT n FROM x";
  const std::vector<Value> none;
  const auto pipelines = [&](const std::string& sql) { return connection_->pipelines({&sql, &none}); };
  EXPECT_FALSE(pipelines(quick));  // not run here yet: how long it takes is unknown
  // A run slowed down by a busy machine (CI running tests side by side)
  // counts fully, then fades: run them until they are known short, for 10 s at most.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  do {
    connection_->execute(quick, {Value(1)});
    connection_->execute(with, {Value(1)});
  } while (!(pipelines(quick) && pipelines(with)) && std::chrono::steady_clock::now() < give_up);
  connection_->execute(slow, {Value(0.01)});
  EXPECT_TRUE(pipelines(quick));
  EXPECT_TRUE(pipelines(with));
  EXPECT_FALSE(pipelines(slow));  // 10 ms is never short
  // Never these, however short: each could open a transaction or change the session for the rest.
  connection_->execute("CREATE PROCEDURE p() LANGUAGE sql AS $$ SELECT 1 $$", {});
  for (const std::string sql : {"BEGIN", "SET search_path TO public", "CALL p()", "DO $$ BEGIN END $$", "COMMIT"}) {
    connection_->execute(sql, {});
    EXPECT_FALSE(pipelines(sql)) << sql;
  }
}

TEST_F(PostgresConnectionTest, APipelineOnAConnectionTheServerEndedFailsWithConnectionError) {
  const std::string sql = "SELECT pg_backend_pid() + $1";
  const std::vector<Value> zero = {Value(0)};
  end_connection_after(sql, zero);
  const std::vector<PipelineStatement> statements = {{&sql, &zero}, {&sql, &zero}};
  std::size_t connection_errors = 0;
  try {
    for (const auto& outcome : connection_->run_pipeline(statements))
      connection_errors += fails_with<ConnectionError>(outcome.error);
  } catch (const ConnectionError&) {
    connection_errors = statements.size();
  }
  EXPECT_EQ(connection_errors, statements.size());
  EXPECT_FALSE(connection_->is_alive());
}

// execute_many's statements: one pipeline inside the caller's transaction,
// every statement sent before any answer is read.
TEST_F(PostgresConnectionTest, ExecuteAllRunsItsStatementsInOneRoundTrip) {
  connection_->execute("CREATE TABLE t (n INTEGER PRIMARY KEY, s TEXT)", {});
  connection_->execute("INSERT INTO t SELECT generate_series(0, 599), ''", {});
  const std::string update = "UPDATE t SET s = $2 WHERE n = $1";
  std::vector<std::vector<Value>> params;
  for (int n = 0; n < 600; ++n) params.push_back({Value(n), Value("row " + std::to_string(n))});
  std::vector<PipelineStatement> statements;
  for (const auto& row : params) statements.push_back({&update, &row});

  FILE* trace = std::tmpfile();
  ASSERT_NE(trace, nullptr);
  connection_->execute(update, params[0]);  // prepared: that round trip is not the batch's
  connection_->execute("BEGIN", {});
  PQtrace(connection_->native_handle(), trace);
  PQsetTraceFlags(connection_->native_handle(), PQTRACE_SUPPRESS_TIMESTAMPS);
  connection_->execute_all(statements);
  PQuntrace(connection_->native_handle());
  connection_->execute("COMMIT", {});

  // What the client sent: the server answers once it reads a Sync.
  std::rewind(trace);
  std::map<std::string, int> sent;
  char line[512];
  while (std::fgets(line, sizeof line, trace)) {
    const std::string_view text(line);
    if (!text.starts_with("F\t")) continue;
    for (const char* message : {"\tSync", "\tBind"})
      if (text.find(message) != std::string_view::npos) ++sent[message + 1];
  }
  std::fclose(trace);
  EXPECT_EQ(sent["Bind"], 600);
  EXPECT_EQ(sent["Sync"], 1);  // one statement at a time would send 600
  EXPECT_EQ(connection_->execute("SELECT s FROM t WHERE n = 599", {}).rows.at(0)[0], Value("row 599"));
}

TEST_F(PostgresConnectionTest, ExecuteAllStopsAtTheFirstFailureAndThrowsIt) {
  connection_->execute("CREATE TABLE t (n INTEGER PRIMARY KEY)", {});
  const std::string insert = "INSERT INTO t VALUES ($1)";
  for (const int failing : {1, 599}) {  // the server skips what follows, or nothing follows
    std::vector<std::vector<Value>> params;
    for (int n = 0; n < 600; ++n) params.push_back({Value(n == failing ? 0 : n)});
    std::vector<PipelineStatement> statements;
    for (const auto& row : params) statements.push_back({&insert, &row});
    connection_->execute("BEGIN", {});
    EXPECT_THROW(connection_->execute_all(statements), UniqueViolation) << failing;
    // The transaction is aborted, and a COMMIT says so instead of seeming to keep it.
    EXPECT_THROW(connection_->execute("COMMIT", {}), OperationalError);
    EXPECT_FALSE(connection_->in_transaction());
    EXPECT_EQ(connection_->execute("SELECT count(*) FROM t", {}).rows.at(0)[0], Value(0));  // and it goes on
  }
}

TEST_F(PostgresConnectionTest, ExecuteAllRefusesAValueItCannotSendBeforeSendingAny) {
  connection_->execute("CREATE TABLE t (s TEXT)", {});
  const std::string insert = "INSERT INTO t VALUES ($1)";
  const std::vector<Value> fine = {Value("a")}, nul = {Value(std::string("b\0", 2))};
  const std::vector<PipelineStatement> statements = {{&insert, &fine}, {&insert, &nul}};
  connection_->execute("BEGIN", {});
  EXPECT_THROW(connection_->execute_all(statements), DataError);
  connection_->execute("COMMIT", {});  // nothing failed on the server: the transaction is whole
  EXPECT_EQ(connection_->execute("SELECT count(*) FROM t", {}).rows.at(0)[0], Value(0));
}

// 400 statements of 8 KB, 32 KB of result each: more than the sockets hold.
// While it waits to send, libpq reads what the server sends meanwhile (a client
// that only sent, then read, would wait on a server waiting on it, for ever).
TEST_F(PostgresConnectionTest, ExecuteAllWithLargeParametersAndResultsFinishes) {
  const std::string select = "SELECT repeat($1, 4)";
  const std::vector<Value> large = {Value(std::string(8192, 'x'))};
  const std::vector<PipelineStatement> statements(400, PipelineStatement{&select, &large});
  connection_->execute("BEGIN", {});
  connection_->execute_all(statements);
  connection_->execute("COMMIT", {});
  EXPECT_TRUE(connection_->is_alive());
}

// A cursor's DECLARE cannot be prepared: such statements run one by one, as execute() runs them.
TEST_F(PostgresConnectionTest, ExecuteAllRunsStatementsThatCannotBePreparedOneByOne) {
  const std::string declare = "DECLARE c NO SCROLL CURSOR FOR SELECT generate_series(1, $1::int)";
  const std::vector<Value> three = {Value(3)};
  connection_->execute("BEGIN", {});
  connection_->execute_all(std::vector<PipelineStatement>{{&declare, &three}});
  EXPECT_EQ(connection_->execute("FETCH FORWARD 5 FROM c", {}).rows.size(), 3u);
  connection_->execute("ROLLBACK", {});
}

TEST_F(PostgresConnectionTest, ExecuteAllOnAConnectionTheServerEndedFailsWithConnectionError) {
  const std::string sql = "SELECT pg_backend_pid() + $1";
  const std::vector<Value> zero = {Value(0)};
  end_connection_after(sql, zero);
  EXPECT_THROW(connection_->execute_all(std::vector<PipelineStatement>(3, {&sql, &zero})), ConnectionError);
  EXPECT_FALSE(connection_->is_alive());
}

TEST_F(PostgresConnectionTest, ABadPasswordIsAConnectionErrorThatDoesNotShowIt) {
  const auto wrong = database_->url().replace({.password = "s3cret-pw", .hostname = "127.0.0.1", .port = 1});
  try {
    PostgresConnection connection(wrong);
    FAIL() << "connected to port 1";
  } catch (const ConnectionError& error) {
    EXPECT_EQ(std::string(error.what()).find("s3cret-pw"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("127.0.0.1"), std::string::npos) << error.what();
  }
}

TEST_F(PostgresConnectionTest, ACursorStreamsInsideItsOwnTransaction) {
  connection_->execute("CREATE TABLE t (a INTEGER)", {});
  connection_->execute("INSERT INTO t SELECT generate_series(1, 25)", {});
  {
    auto cursor = connection_->open_cursor("SELECT a FROM t WHERE a > $1 ORDER BY a", {Value(5)}, false);
    EXPECT_EQ(cursor->fetch(10).size(), 10u);
    EXPECT_EQ(cursor->fetch(10).size(), 10u);
    EXPECT_EQ(cursor->fetch(10).size(), 0u);
  }
  // The cursor's transaction ended with it: this insert commits on its own.
  connection_->execute("INSERT INTO t VALUES (99)", {});
  PostgresConnection other(database_->url());
  EXPECT_EQ(other.execute("SELECT count(*) FROM t", {}).rows[0][0], Value(26));
}

TEST_F(PostgresConnectionTest, FloatsReadTheSameWhateverTheProgramsNumericLocale) {
  const test::GermanLocale comma(LC_NUMERIC);
  ASSERT_TRUE(comma.active()) << "localedef could not build de_DE.UTF-8 (Debian package locales)";
  ASSERT_EQ(std::strtod("1.5", nullptr), 1.0);  // the locale took: a locale-bound reader stops at the '.'
  const auto row =
      connection_->execute("SELECT 1.5::float8, (-0.25)::float4, 'NaN'::float8, '-Infinity'::float8", {}).rows[0];
  EXPECT_EQ(row[0].as<double>(), 1.5);
  EXPECT_EQ(row[1].as<double>(), -0.25);
  EXPECT_TRUE(std::isnan(row[2].as<double>()));
  EXPECT_EQ(row[3].as<double>(), -INFINITY);
  // And a double sent as a parameter arrives whole.
  EXPECT_EQ(connection_->execute("SELECT $1::float8 * 2", {Value(0.75)}).rows[0][0].as<double>(), 1.5);
}

}  // namespace
}  // namespace starling::db::backend

// db::Error's parts on both backends: the SQLSTATE or SQLite result code, the
// constraint, table and column, and the SQL kept apart from the message.
#include <starling/db/errors.hpp>

#include <starling/db/text.hpp>

#include "support/test_databases.hpp"

#include <gtest/gtest.h>

namespace {

namespace db = starling::db;
using starling::test::run;

class ErrorParts : public starling::test::ConnectedDatabaseTest {
 protected:
  void SetUp() override {
    ConnectedDatabaseTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    run(
        database().execute(db::text("CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(50) NOT NULL, "
                                    "CONSTRAINT users_email_key UNIQUE (email))")));
    run(database().execute(db::text("INSERT INTO users (id, email) VALUES (1, 'a@example.com')")));
  }
  template <class E>
  E failure_of(const std::string& sql) {
    try {
      run(database().execute(db::text(sql)));
    } catch (const E& error) {
      return error;
    }
    throw std::runtime_error("no such error from: " + sql);
  }
};

TEST_P(ErrorParts, AUniqueViolationNamesItsConstraintAndKeepsTheSqlApart) {
  const std::string sql = "INSERT INTO users (id, email) VALUES (2, 'a@example.com')";
  const auto error = failure_of<db::UniqueViolation>(sql);
  EXPECT_EQ(error.sql(), sql);
  EXPECT_EQ(error.message().find("INSERT"), std::string::npos) << error.message();
  EXPECT_NE(std::string(error.what()).find(sql), std::string::npos) << error.what();
  EXPECT_EQ(error.table(), "users");
  if (is_postgres()) {
    EXPECT_EQ(error.sqlstate(), "23505");
    EXPECT_EQ(error.constraint(), "users_email_key");
  } else {
    EXPECT_EQ(error.result_code(), 2067);  // SQLITE_CONSTRAINT_UNIQUE
    EXPECT_EQ(error.column(), "email");
  }
}

TEST_P(ErrorParts, ANotNullViolationNamesItsColumn) {
  const auto error = failure_of<db::NotNullViolation>("INSERT INTO users (id) VALUES (3)");
  EXPECT_EQ(error.table(), "users");
  EXPECT_EQ(error.column(), "email");
  EXPECT_EQ(is_postgres() ? error.sqlstate() : std::to_string(error.result_code()), is_postgres() ? "23502" : "1299");
}

TEST_P(ErrorParts, AProgrammingErrorKeepsItsCode) {
  const auto error = failure_of<db::ProgrammingError>("SELECT nope FROM users");
  EXPECT_EQ(error.sql(), "SELECT nope FROM users");
  if (is_postgres()) {
    EXPECT_EQ(error.sqlstate(), "42703");  // undefined_column
  } else {
    EXPECT_EQ(error.result_code(), 1);  // SQLITE_ERROR
  }
}

TEST(Error, WithoutSqlWhatIsTheMessage) {
  const db::DataError error("value out of range");
  EXPECT_STREQ(error.what(), "value out of range");
  EXPECT_EQ(error.message(), "value out of range");
  EXPECT_EQ(error.sql(), "");
  EXPECT_EQ(error.sqlstate(), "");
  EXPECT_EQ(error.result_code(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, ErrorParts, ::testing::ValuesIn(starling::test::database_backends()));

}  // namespace

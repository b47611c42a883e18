// db::testing on every backend: create_database, database_exists and drop_database, and the names
// test_database_url derives for SQLite paths and PostgreSQL databases.
#include <starling/db/testing.hpp>

#include "support/test_databases.hpp"

#include <starling/db/errors.hpp>

namespace starling::db::testing {
namespace {

// TestDatabase creates and drops through these very helpers; here, their edges.
class TestDatabaseHelpers : public test::DatabaseTest {};

TEST_P(TestDatabaseHelpers, CreateExistsAndDropOnEveryBackend) {
  EXPECT_TRUE(database_exists(url()));
  if (is_memory()) return;  // a memory database always "exists" and needs no creating
  try {
    create_database(url());
    FAIL() << "creating an existing database";
  } catch (const ProgrammingError& error) {
    EXPECT_NE(std::string(error.what()).find("already exists"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find(url().database()), std::string::npos) << error.what();
  }
  drop_database(url());
  EXPECT_FALSE(database_exists(url()));
  EXPECT_THROW(drop_database(url()), ProgrammingError);
  create_database(url());
  EXPECT_TRUE(database_exists(url()));
}

TEST_P(TestDatabaseHelpers, TheTestUrlIsDerivedAsInTheReference) {
  const auto test_url = test_database_url(url());
  if (is_memory()) return;
  EXPECT_NE(test_url.database(), url().database());
  EXPECT_FALSE(database_exists(test_url));
  create_database(test_url);
  EXPECT_TRUE(database_exists(test_url));
  drop_database(test_url);
  EXPECT_FALSE(database_exists(test_url));
}

TEST(TestDatabaseUrl, PrefixesTheFileNameNotTheDirectory) {
  EXPECT_EQ(test_database_url(DatabaseURL("sqlite:////srv/data/notes.db")).database(), "/srv/data/test_notes.db");
  EXPECT_EQ(test_database_url(DatabaseURL("sqlite:///notes.db")).database(), "test_notes.db");
  EXPECT_EQ(test_database_url(DatabaseURL("sqlite:///./data/notes.db")).database(), "./data/test_notes.db");
  EXPECT_TRUE(test_database_url(DatabaseURL("sqlite:///:memory:")).is_memory());
}

TEST(TestDatabaseUrl, PrefixesThePostgresDatabaseNameAndKeepsTheRest) {
  const DatabaseURL url("postgresql://app:s3cret@db.internal:5433/notes?sslmode=require");
  const auto test_url = test_database_url(url, "ci_");
  EXPECT_EQ(test_url.database(), "ci_notes");
  EXPECT_EQ(test_url.hostname(), "db.internal");
  EXPECT_EQ(test_url.password(), "s3cret");
  EXPECT_EQ(test_url.port(), 5433);
}

INSTANTIATE_TEST_SUITE_P(Backends, TestDatabaseHelpers, ::testing::ValuesIn(test::database_backends()));

}  // namespace
}  // namespace starling::db::testing

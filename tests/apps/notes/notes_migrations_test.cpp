// The notes revisions on a database of their own (the suite's test database
// is already at the head): every revision goes up, down to base and up again;
// notes written at revision 1 survive revision 2 and its downgrade; and the
// migrated schema is what the tables declare (what `notes db check` checks).
#include "migrations.hpp"
#include "notes_environment.hpp"
#include "tables.hpp"

#include "support/test_databases.hpp"

#include <starling/db/autogenerate.hpp>
#include <starling/db/database.hpp>
#include <starling/db/migrations.hpp>
#include <starling/db/text.hpp>

#include <gtest/gtest.h>

#include <chrono>

namespace {

namespace db = starling::db;
using starling::test::run;

class NotesMigrations : public ::testing::Test {
 protected:
  void SetUp() override {
    database_.emplace(notes::test::on_postgres() ? "postgresql" : "sqlite_file");
    ASSERT_TRUE(database_->available()) << "STARLING_TEST_POSTGRES_URL is not set";
  }
  const db::DatabaseURL& url() const { return database_->url(); }
  std::vector<db::Row> rows(const std::string& sql) {
    db::Database database(url());
    run(database.connect());
    auto result = run(database.fetch_all(db::text(sql)));
    run(database.disconnect());
    return result;
  }
  void execute(const std::string& sql) {
    db::Database database(url());
    run(database.connect());
    run(database.execute(db::text(sql)));
    run(database.disconnect());
  }
  std::vector<std::string> at() { return db::current(url(), notes::migrations()); }

 private:
  std::optional<starling::test::TestDatabase> database_;
};

TEST_F(NotesMigrations, EveryRevisionGoesUpDownToBaseAndUpAgain) {
  const auto& migrations = notes::migrations();
  const auto count = migrations.ordered().size();
  for (std::size_t i = 0; i < count; ++i) {
    db::upgrade(url(), migrations, "+1");
    EXPECT_EQ(at(), std::vector<std::string>{migrations.ordered()[i]->id});
  }
  EXPECT_TRUE(db::is_at_head(url(), migrations));
  for (std::size_t i = count; i > 0; --i) db::downgrade(url(), migrations, "-1");
  EXPECT_TRUE(at().empty());
  EXPECT_TRUE(db::compare_metadata(url(), db::MetaData{}).empty()) << "base leaves a table behind";
  db::upgrade(url(), migrations, "head");
  EXPECT_TRUE(db::is_at_head(url(), migrations));
}

TEST_F(NotesMigrations, TheMigratedSchemaIsWhatTheTablesDeclare) {
  db::upgrade(url(), notes::migrations(), "head");
  const auto differences = db::compare_metadata(url(), notes::metadata);
  std::string listed;
  for (const auto& difference : differences) listed += difference.description + "\n";
  EXPECT_TRUE(differences.empty()) << listed;
}

TEST_F(NotesMigrations, NotesWrittenAtRevisionOneSurviveRevisionTwoAndItsDowngrade) {
  const auto& migrations = notes::migrations();
  db::upgrade(url(), migrations, "0001_notes");
  execute("INSERT INTO notes (text, completed) VALUES ('buy milk', FALSE), ('call mum', TRUE), ('', FALSE)");
  const auto before = std::chrono::system_clock::now();

  db::upgrade(url(), migrations, "head");
  auto after = rows("SELECT id, text, completed, created_at FROM notes ORDER BY id");
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[0].get<std::string>("text"), "buy milk");
  EXPECT_EQ(after[1].get<bool>("completed"), true);
  EXPECT_EQ(after[2].get<std::string>("text"), "");
  for (const auto& row : after) {
    // Existing rows were given the time of the upgrade (seconds: SQLite's CURRENT_TIMESTAMP).
    const auto created = row.get<std::chrono::sys_seconds>("created_at");
    EXPECT_LE(std::chrono::abs(created - std::chrono::floor<std::chrono::seconds>(before)), std::chrono::minutes(2));
  }
  execute("INSERT INTO notes (text, completed) VALUES ('after the upgrade', FALSE)");
  EXPECT_FALSE(rows("SELECT created_at FROM notes WHERE text = 'after the upgrade'").front().is_null("created_at"));

  db::downgrade(url(), migrations, "0001_notes");
  const auto back = rows("SELECT text, completed FROM notes ORDER BY id");
  ASSERT_EQ(back.size(), 4u);
  EXPECT_EQ(back[0].get<std::string>("text"), "buy milk");
  EXPECT_EQ(back[3].get<std::string>("text"), "after the upgrade");
  EXPECT_THROW(rows("SELECT created_at FROM notes"), db::Error);
}

}  // namespace

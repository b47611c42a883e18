// Migrations on SQLite files and PostgreSQL: upgrade and downgrade targets, failing revisions rolled back,
// branches and merges, stamp, concurrent upgrades, offline SQL; revision graph checks; :memory: refused.
#include <starling/db/migrations.hpp>

#include <starling/db/autogenerate.hpp>
#include <starling/db/schema.hpp>

#include "support/migration_db.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <sstream>
#include <thread>

namespace {

namespace db = starling::db;
using starling::test::MigrationTest;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const db::Revision kItems{
    .id = "a1",
    .parents = {},
    .message = "items",
    .upgrade =
        [](db::Operations& op) {
          op.create_table("items", {db::Column("id", db::Integer, db::primary_key), db::Column("name", db::String)});
        },
    .downgrade = [](db::Operations& op) { op.drop_table("items"); }};

const db::Revision kPrice{.id = "b2",
                          .parents = {"a1"},
                          .message = "items.price",
                          .upgrade =
                              [](db::Operations& op) {
                                op.add_column("items", db::Column("price", db::Integer, db::default_(0), db::not_null));
                              },
                          .downgrade = [](db::Operations& op) { op.drop_column("items", "price"); }};

const db::Revision kTags{
    .id = "c3",
    .parents = {"b2"},
    .message = "tags",
    .upgrade = [](db::Operations& op) { op.create_table("tags", {db::Column("label", db::String, db::primary_key)}); },
    .downgrade = [](db::Operations& op) { op.drop_table("tags"); }};

// Makes a table, then fails: the table must not survive.
const db::Revision kBroken{.id = "d4",
                           .parents = {"c3"},
                           .message = "broken",
                           .upgrade =
                               [](db::Operations& op) {
                                 op.create_table("half_done", {db::Column("id", db::Integer, db::primary_key)});
                                 op.execute("INSERT INTO no_such_table VALUES (1)");
                               },
                           .downgrade = [](db::Operations&) {}};

db::Migrations linear() { return db::Migrations({&kItems, &kPrice, &kTags}); }

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const db::MigrationError& error) {
    return error.what();
  }
  return "(no MigrationError)";
}

class Migrations : public MigrationTest {};

TEST_P(Migrations, UpgradeHeadAppliesEveryRevisionInOrderAndRecordsTheHead) {
  const auto migrations = linear();
  EXPECT_THAT(current(migrations), IsEmpty());
  EXPECT_FALSE(db::is_at_head(url(), migrations));
  std::vector<std::string> steps;
  db::upgrade(url(), migrations, "head", {.on_step = [&](std::string_view step) { steps.emplace_back(step); }});
  EXPECT_THAT(steps,
              ElementsAre("upgrade base -> a1, items", "upgrade a1 -> b2, items.price", "upgrade b2 -> c3, tags"));
  EXPECT_THAT(current(migrations), ElementsAre("c3"));
  EXPECT_TRUE(db::is_at_head(url(), migrations));
  sql("INSERT INTO items (name) VALUES ('kept')");
  EXPECT_THAT(column("SELECT price FROM items"), ElementsAre("0"));
  db::upgrade(url(), migrations, "head");  // nothing left to do
  EXPECT_THAT(current(migrations), ElementsAre("c3"));
}

TEST_P(Migrations, RelativeAndNamedTargetsGoBothWays) {
  const auto migrations = linear();
  db::upgrade(url(), migrations, "+1");
  EXPECT_THAT(current(migrations), ElementsAre("a1"));
  db::upgrade(url(), migrations, "b2");
  EXPECT_THAT(current(migrations), ElementsAre("b2"));
  EXPECT_FALSE(has_table("tags"));
  db::upgrade(url(), migrations, "+1");
  EXPECT_THAT(current(migrations), ElementsAre("c3"));
  db::downgrade(url(), migrations, "-1");
  EXPECT_THAT(current(migrations), ElementsAre("b2"));
  EXPECT_FALSE(has_table("tags"));
  db::downgrade(url(), migrations, "a1");
  EXPECT_THAT(current(migrations), ElementsAre("a1"));
  db::downgrade(url(), migrations, "base");
  EXPECT_THAT(current(migrations), IsEmpty());
  EXPECT_FALSE(has_table("items"));
  EXPECT_THAT(error_of([&] { db::upgrade(url(), migrations, "+4"); }), HasSubstr("only 3 revision(s)"));
  EXPECT_THAT(error_of([&] { db::downgrade(url(), migrations, "-1"); }), HasSubstr("only 0 revision(s)"));
  EXPECT_THAT(error_of([&] { db::upgrade(url(), migrations, "+x"); }), HasSubstr("+N"));
  EXPECT_THAT(error_of([&] { db::upgrade(url(), migrations, "zz9"); }), HasSubstr("\"zz9\""));
  EXPECT_THAT(current(migrations), IsEmpty());
}

TEST_P(Migrations, DowngradeKeepsRowsOfTheTablesItDoesNotTouch) {
  const auto migrations = linear();
  db::upgrade(url(), migrations, "head");
  sql("INSERT INTO items (name, price) VALUES ('a', 5), ('b', 7)");
  db::downgrade(url(), migrations, "a1");
  EXPECT_THAT(column("SELECT name FROM items ORDER BY id"), ElementsAre("a", "b"));
  db::upgrade(url(), migrations, "head");
  EXPECT_THAT(column("SELECT price FROM items ORDER BY id"), ElementsAre("0", "0"));
}

TEST_P(Migrations, AFailingRevisionLeavesTheDatabaseAtTheOneBefore) {
  const db::Migrations migrations({&kItems, &kPrice, &kTags, &kBroken});
  const auto message = error_of([&] { db::upgrade(url(), migrations, "head"); });
  EXPECT_THAT(message, HasSubstr("revision \"d4\" (broken) failed on upgrade"));
  EXPECT_THAT(message, HasSubstr("no_such_table"));  // the database's own words
  EXPECT_THAT(message, HasSubstr("stays at c3"));
  EXPECT_THAT(current(migrations), ElementsAre("c3"));
  EXPECT_FALSE(has_table("half_done"));
  EXPECT_TRUE(has_table("tags"));
}

TEST_P(Migrations, ARevisionThatThrowsIsRolledBackToo) {
  const db::Revision throws{.id = "x", .parents = {"a1"}, .message = "throws", .upgrade = [](db::Operations& op) {
                              op.add_column("items", db::Column("extra", db::Integer));
                              throw std::runtime_error("revision code failed");
                            }};
  const db::Migrations migrations({&kItems, &throws});
  EXPECT_THAT(error_of([&] { db::upgrade(url(), migrations, "head"); }), HasSubstr("revision code failed"));
  EXPECT_THAT(current(migrations), ElementsAre("a1"));
  sql("INSERT INTO items (name) VALUES ('x')");
  EXPECT_ANY_THROW(sql("SELECT extra FROM items"));
}

TEST_P(Migrations, TwoHeadsMustBeMergedForHeadButHeadsAppliesBoth) {
  const db::Revision left{
      .id = "left",
      .parents = {"a1"},
      .message = "left",
      .upgrade = [](db::Operations& op) { op.create_table("l", {db::Column("id", db::Integer, db::primary_key)}); },
      .downgrade = [](db::Operations& op) { op.drop_table("l"); }};
  const db::Revision right{
      .id = "right",
      .parents = {"a1"},
      .message = "right",
      .upgrade = [](db::Operations& op) { op.create_table("r", {db::Column("id", db::Integer, db::primary_key)}); },
      .downgrade = [](db::Operations& op) { op.drop_table("r"); }};
  const db::Migrations branched({&kItems, &left, &right});
  EXPECT_THAT(branched.heads(), ElementsAre("left", "right"));
  const auto message = error_of([&] { db::upgrade(url(), branched, "head"); });
  EXPECT_THAT(message, HasSubstr("several heads (\"left\", \"right\")"));
  EXPECT_THAT(message, HasSubstr("--merge"));
  EXPECT_FALSE(has_table("items"));  // nothing applied

  db::upgrade(url(), branched, "heads");
  EXPECT_THAT(current(branched), ElementsAre("left", "right"));
  EXPECT_TRUE(db::is_at_head(url(), branched));

  const db::Revision merge{.id = "merge", .parents = {"left", "right"}, .message = "merge"};
  const db::Migrations merged({&kItems, &left, &right, &merge});
  EXPECT_FALSE(db::is_at_head(url(), merged));
  db::upgrade(url(), merged, "head");
  EXPECT_THAT(current(merged), ElementsAre("merge"));
  db::downgrade(url(), merged, "-1");
  EXPECT_THAT(current(merged), ElementsAre("left", "right"));
  db::downgrade(url(), merged, "-1");  // the later branch goes first
  EXPECT_THAT(current(merged), ElementsAre("left"));
  EXPECT_FALSE(has_table("r"));
  EXPECT_TRUE(has_table("l"));
}

TEST_P(Migrations, ARecordedRevisionTheAppDoesNotKnowStopsEveryCommand) {
  const auto migrations = linear();
  db::upgrade(url(), migrations, "a1");
  sql("UPDATE starling_version SET version_num = 'from_a_newer_app'");
  EXPECT_THAT(error_of([&] { db::current(url(), migrations); }), HasSubstr("\"from_a_newer_app\""));
  EXPECT_THAT(error_of([&] { db::upgrade(url(), migrations, "head"); }), HasSubstr("does not know"));
  EXPECT_THAT(error_of([&] { db::downgrade(url(), migrations, "base"); }), HasSubstr("from_a_newer_app"));
  EXPECT_FALSE(has_table("tags"));
  EXPECT_TRUE(has_table("items"));
  db::stamp(url(), migrations, "a1");  // the way out
  EXPECT_THAT(current(migrations), ElementsAre("a1"));
}

TEST_P(Migrations, StampRecordsWithoutRunning) {
  const auto migrations = linear();
  db::stamp(url(), migrations, "head");
  EXPECT_THAT(current(migrations), ElementsAre("c3"));
  EXPECT_FALSE(has_table("items"));
  db::stamp(url(), migrations, "base");
  EXPECT_THAT(current(migrations), IsEmpty());
}

TEST_P(Migrations, ConcurrentUpgradesApplyEachRevisionOnce) {
  // Each run of the slow revision leaves a row: two would mean it ran twice.
  const db::Revision slow{.id = "slow", .parents = {"a1"}, .message = "slow", .upgrade = [](db::Operations& op) {
                            op.bulk_insert("items", {{{"name", "applied"}}});
                            std::this_thread::sleep_for(std::chrono::milliseconds(300));
                          }};
  const db::Migrations migrations({&kItems, &slow});
  std::vector<std::string> failures;
  std::mutex mutex;
  std::vector<std::thread> runs;
  for (int i = 0; i < 3; ++i)
    runs.emplace_back([&] {
      try {
        db::upgrade(url(), migrations, "head");
      } catch (const std::exception& error) {
        std::lock_guard lock(mutex);
        failures.emplace_back(error.what());
      }
    });
  for (auto& run : runs) run.join();
  EXPECT_THAT(failures, IsEmpty());
  EXPECT_EQ(count("items"), 1);
  EXPECT_THAT(current(migrations), ElementsAre("slow"));
}

TEST_P(Migrations, OfflineSqlIsWhatUpgradeRunsAndTouchesNothing) {
  const auto migrations = linear();
  const auto dialect = url().dialect();
  const auto script = db::upgrade_sql(dialect, migrations, "head");
  EXPECT_THAT(script, HasSubstr("-- upgrade a1 -> b2, items.price"));
  EXPECT_THAT(script, HasSubstr("CREATE TABLE \"items\""));
  EXPECT_THAT(script, HasSubstr("INSERT INTO \"starling_version\" (version_num) VALUES ('c3')"));
  EXPECT_THAT(script, HasSubstr("COMMIT;"));
  EXPECT_FALSE(has_table("starling_version"));
  // The script itself brings a database to the head: one statement per ";\n", comments on lines of their own.
  std::istringstream lines(script);
  std::string line;
  std::string statement;
  while (std::getline(lines, line)) {
    if (line.starts_with("--") || line.empty()) continue;
    statement += line + "\n";
    if (line.ends_with(";")) {
      sql(statement);
      statement.clear();
    }
  }
  EXPECT_EQ(statement, "");
  EXPECT_THAT(current(migrations), ElementsAre("c3"));
  EXPECT_TRUE(has_table("tags"));
}

TEST_P(Migrations, DowngradeToARevisionLeavesAnotherRootAlone) {
  const db::Revision other{
      .id = "other",
      .parents = {},
      .message = "another root",
      .upgrade = [](db::Operations& op) { op.create_table("other", {db::Column("id", db::Integer, db::primary_key)}); },
      .downgrade = [](db::Operations& op) { op.drop_table("other"); }};
  const db::Migrations migrations({&kItems, &kPrice, &other});
  db::upgrade(url(), migrations, "heads");
  EXPECT_THAT(current(migrations), ElementsAre("b2", "other"));
  db::downgrade(url(), migrations, "a1");
  EXPECT_THAT(current(migrations), ElementsAre("a1", "other"));
  EXPECT_TRUE(has_table("other"));
}

TEST_P(Migrations, ARevisionWithoutADowngradeIsNotRevertedOnPaper) {
  const db::Revision one_way{
      .id = "one_way", .parents = {"a1"}, .message = "one way", .upgrade = [](db::Operations& op) {
        op.add_column("items", db::Column("x", db::Integer));
      }};
  const db::Migrations migrations({&kItems, &one_way});
  db::upgrade(url(), migrations, "head");
  EXPECT_THAT(error_of([&] { db::downgrade(url(), migrations, "base"); }), HasSubstr("has no downgrade"));
  EXPECT_THAT(current(migrations), ElementsAre("one_way"));
}

TEST_P(Migrations, WhateverARevisionOrTheStepCallbackThrowsRollsBack) {
  const db::Revision odd{.id = "odd", .parents = {"a1"}, .message = "throws an int", .upgrade = [](db::Operations& op) {
                           op.create_table("half", {db::Column("id", db::Integer, db::primary_key)});
                           throw 42;
                         }};
  const db::Migrations migrations({&kItems, &odd});
  EXPECT_THROW(db::upgrade(url(), migrations, "head"), int);
  EXPECT_THAT(current(migrations), ElementsAre("a1"));
  EXPECT_FALSE(has_table("half"));
  const auto throwing_callback = db::MigrationOptions{.on_step = [](std::string_view) { throw 7; }};
  EXPECT_THROW(db::upgrade(url(), linear(), "head", throwing_callback), int);
  EXPECT_THAT(current(migrations), ElementsAre("a1"));
  db::upgrade(url(), linear(), "head");  // and nothing was left locked or half open
  EXPECT_THAT(current(linear()), ElementsAre("c3"));
}

TEST_P(Migrations, AVersionTableOfTheAppsOwnNaming) {
  const db::MigrationOptions options{.version_table = "app_schema_version"};
  const auto migrations = linear();
  db::upgrade(url(), migrations, "head", options);
  EXPECT_THAT(db::current(url(), migrations, options), ElementsAre("c3"));
  EXPECT_THAT(current(migrations), IsEmpty());  // the default table was never made
  EXPECT_FALSE(has_table("starling_version"));
  db::MetaData metadata;
  db::Table("items", metadata,
            {db::Column("id", db::Integer, db::primary_key), db::Column("name", db::String),
             db::Column("price", db::Integer, db::default_(0), db::not_null)});
  db::Table("tags", metadata, {db::Column("label", db::String, db::primary_key)});
  std::string differences;
  for (const auto& d : db::compare_metadata(url(), metadata, "app_schema_version")) differences += d.description + "\n";
  EXPECT_EQ(differences, "");
}

INSTANTIATE_TEST_SUITE_P(Backends, Migrations, ::testing::ValuesIn(starling::test::migration_backends()));

TEST(RevisionGraph, IsCheckedWhole) {
  const db::Revision again{.id = "a1", .parents = {}, .message = "again"};
  EXPECT_THAT(error_of([&] { db::Migrations({&kItems, &again}); }), HasSubstr("two revisions have the id \"a1\""));
  EXPECT_THAT(error_of([&] { db::Migrations({&kPrice}); }), HasSubstr("\"b2\" comes after \"a1\", which is not"));
  const db::Revision one{.id = "one", .parents = {"two"}, .message = ""};
  const db::Revision two{.id = "two", .parents = {"one"}, .message = ""};
  EXPECT_THAT(error_of([&] { db::Migrations({&kItems, &one, &two}); }), HasSubstr("\"one\", \"two\" form a cycle"));
  const db::Revision reserved{.id = "head", .parents = {}, .message = "m"};
  EXPECT_THAT(error_of([&] { db::Migrations({&reserved}); }), HasSubstr("cannot be called \"head\""));
  const db::Revision relative{.id = "-1", .parents = {}, .message = "m"};
  EXPECT_THAT(error_of([&] { db::Migrations({&relative}); }), HasSubstr("\"-1\""));
  const db::Revision nameless{.id = "", .parents = {}, .message = "m"};
  EXPECT_THAT(error_of([&] { db::Migrations({&nameless}); }), HasSubstr("empty id"));
}

TEST(MigrationCommands, RefuseAMemoryDatabaseThatWouldForgetThemAtOnce) {
  const db::DatabaseURL memory("sqlite:///:memory:");
  const auto migrations = linear();
  EXPECT_THAT(error_of([&] { db::upgrade(memory, migrations, "head"); }), HasSubstr(":memory:"));
  EXPECT_THAT(error_of([&] { db::current(memory, migrations); }), HasSubstr("use a file"));
}

TEST(RevisionGraph, OrdersParentsFirstAndFindsHeads) {
  const db::Migrations migrations({&kTags, &kPrice, &kItems});
  std::vector<std::string> order;
  for (const auto* revision : migrations.ordered()) order.push_back(revision->id);
  EXPECT_THAT(order, ElementsAre("a1", "b2", "c3"));
  EXPECT_THAT(migrations.heads(), ElementsAre("c3"));
  EXPECT_THAT(migrations.ancestry("b2"), ElementsAre("a1", "b2"));
}

}  // namespace

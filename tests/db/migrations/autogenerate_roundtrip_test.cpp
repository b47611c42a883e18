// Autogenerate and the operations agree: for each kind of difference, the
// op calls autogenerate writes, run as a revision, leave nothing to compare.
// (Rendered code cannot run here, so each case holds those calls twice: as
// code that runs, and as the text autogenerate must write, to the character.)
#include <starling/db/autogenerate.hpp>

#include <starling/db/migrations.hpp>
#include <starling/db/schema.hpp>

#include "support/migration_db.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

namespace db = starling::db;
using Define = std::function<void(db::MetaData&)>;

struct Case {
  std::string name;
  Define before;                                // the tables the database has
  Define after;                                 // the tables the app declares
  std::function<void(db::Operations&)> change;  // what the generated upgrade calls
  std::string generated;                        // the generated upgrade: `change`, as code
};

void items(db::MetaData& m, std::vector<db::Column> extra = {}) {
  std::vector<db::Column> columns{db::Column("id", db::Integer, db::primary_key)};
  columns.insert(columns.end(), extra.begin(), extra.end());
  db::Table("items", m, columns);
}

void owners_and_items(db::MetaData& m, bool with_key) {
  db::Table("owners", m, {db::Column("id", db::Integer, db::primary_key)});
  if (with_key) {
    items(m, {db::Column("owner_id", db::Integer, db::foreign_key("owners.id").on_delete("CASCADE"))});
  } else {
    items(m, {db::Column("owner_id", db::Integer)});
  }
}

std::vector<Case> cases() {
  return {
      {"add column", [](auto& m) { items(m); },
       [](auto& m) { items(m, {db::Column("price", db::Integer, db::not_null, db::default_(0))}); },
       [](db::Operations& op) {
         op.add_column("items", db::Column("price", db::Integer, db::not_null, db::default_(0)));
       },
       "op.add_column(\"items\", db::Column(\"price\", db::Integer, db::not_null, db::default_(0)));\n"},
      {"drop column", [](auto& m) { items(m, {db::Column("price", db::Integer)}); }, [](auto& m) { items(m); },
       [](db::Operations& op) { op.drop_column("items", "price"); }, "op.drop_column(\"items\", \"price\");\n"},
      // The row inserted below takes the old DEFAULT, so that NOT NULL holds.
      {"type, nullability and default",
       [](auto& m) { items(m, {db::Column("name", db::String(50), db::default_("x"))}); },
       [](auto& m) { items(m, {db::Column("name", db::String(100), db::not_null)}); },
       [](db::Operations& op) {
         op.alter_column("items", "name", {.type = db::String(100)});
         op.alter_column("items", "name", {.nullable = false});
         op.alter_column("items", "name", {.drop_server_default = true});
       },
       "op.alter_column(\"items\", \"name\", {.type = db::String(100)});\n"
       "op.alter_column(\"items\", \"name\", {.nullable = false});\n"
       "op.alter_column(\"items\", \"name\", {.drop_server_default = true});\n"},
      {"default", [](auto& m) { items(m, {db::Column("state", db::String, db::default_("draft"))}); },
       [](auto& m) { items(m, {db::Column("state", db::String, db::default_("new"))}); },
       [](db::Operations& op) { op.alter_column("items", "state", {.server_default = "new"}); },
       "op.alter_column(\"items\", \"state\", {.server_default = \"new\"});\n"},
      {"expression default", [](auto& m) { items(m, {db::Column("at", db::DateTime)}); },
       [](auto& m) { items(m, {db::Column("at", db::DateTime, db::server_default_now)}); },
       [](db::Operations& op) { op.alter_column("items", "at", {.server_default_sql = "CURRENT_TIMESTAMP"}); },
       "op.alter_column(\"items\", \"at\", {.server_default_sql = \"CURRENT_TIMESTAMP\"});\n"},
      // An enum's choices are its CHECK: added, changed and dropped with the type.
      {"enum from a string", [](auto& m) { items(m, {db::Column("state", db::String(20))}); },
       [](auto& m) {
         items(m, {db::Column("state", db::Enum({"draft", "published"}))});
       },
       [](db::Operations& op) {
         op.alter_column("items", "state", {.type = db::Enum({"draft", "published"})});
       },
       "op.alter_column(\"items\", \"state\", {.type = db::Enum({\"draft\", \"published\"})});\n"},
      {"enum choices",
       [](auto& m) {
         items(m, {db::Column("state", db::Enum({"draft", "published"}))});
       },
       [](auto& m) {
         items(m, {db::Column("state", db::Enum({"draft", "gone", "published"}))});
       },
       [](db::Operations& op) {
         op.alter_column("items", "state", {.type = db::Enum({"draft", "gone", "published"})});
       },
       "op.alter_column(\"items\", \"state\", {.type = db::Enum({\"draft\", \"gone\", \"published\"})});\n"},
      {"enum to a string",
       [](auto& m) {
         items(m, {db::Column("state", db::Enum({"draft", "published"}))});
       },
       [](auto& m) { items(m, {db::Column("state", db::String(9))}); },
       [](db::Operations& op) { op.alter_column("items", "state", {.type = db::String(9)}); },
       "op.alter_column(\"items\", \"state\", {.type = db::String(9)});\n"},
      {"index", [](auto& m) { items(m, {db::Column("name", db::String)}); },
       [](auto& m) { items(m, {db::Column("name", db::String, db::index)}); },
       [](db::Operations& op) { op.create_index("ix_items_name", "items", {"name"}); },
       "op.create_index(\"ix_items_name\", \"items\", {\"name\"});\n"},
      {"unique", [](auto& m) { items(m, {db::Column("code", db::String)}); },
       [](auto& m) { items(m, {db::Column("code", db::String, db::unique)}); },
       [](db::Operations& op) { op.create_unique_constraint("items_code_key", "items", {"code"}); },
       "op.create_unique_constraint(\"items_code_key\", \"items\", {\"code\"});\n"},
      {"foreign key", [](auto& m) { owners_and_items(m, false); }, [](auto& m) { owners_and_items(m, true); },
       [](db::Operations& op) {
         op.create_foreign_key("items_owner_id_fkey", "items", {"owner_id"}, "owners", {"id"},
                               {.on_delete = "CASCADE"});
       },
       "op.create_foreign_key(\"items_owner_id_fkey\", \"items\", {\"owner_id\"}, \"owners\", {\"id\"}, "
       "{.on_delete = \"CASCADE\"});\n"},
  };
}

class AutogenerateRoundTrip : public starling::test::MigrationTest {};

TEST_P(AutogenerateRoundTrip, WhatAutogenerateWritesLeavesNothingToCompare) {
  for (const auto& each : cases()) {
    SCOPED_TRACE(each.name);
    // Each case starts from an empty database: the last one dropped its tables and version table.
    db::MetaData before;
    each.before(before);
    db::MetaData after;
    each.after(after);
    const db::Revision base{.id = "first",
                            .parents = {},
                            .message = "before",
                            .upgrade =
                                [&](db::Operations& op) {
                                  for (const auto& table : before.sorted_tables()) op.create_table(table);
                                },
                            .downgrade =
                                [&](db::Operations& op) {
                                  const auto tables = before.sorted_tables();
                                  for (auto it = tables.rbegin(); it != tables.rend(); ++it) op.drop_table(it->name());
                                }};
    // Its downgrade is base's: dropping the tables.
    const db::Revision change{.id = "change",
                              .parents = {"first"},
                              .message = each.name,
                              .upgrade = each.change,
                              .downgrade = [](db::Operations&) {}};
    const db::Migrations migrations({&base, &change});
    db::upgrade(url(), migrations, "first");
    sql("INSERT INTO items (id) VALUES (1)");  // a row for the rebuilds to carry over

    const auto differences = db::compare_metadata(url(), after);
    ASSERT_FALSE(differences.empty());
    std::string code;
    for (const auto& difference : differences) code += difference.upgrade + "\n";
    EXPECT_EQ(code, each.generated);

    db::upgrade(url(), migrations, "head");
    std::string left;
    for (const auto& difference : db::compare_metadata(url(), after)) left += difference.description + "\n";
    EXPECT_EQ(left, "");
    EXPECT_THAT(column("SELECT id FROM items"), ::testing::ElementsAre("1"));
    db::downgrade(url(), migrations, "base");
    sql("DROP TABLE starling_version");
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, AutogenerateRoundTrip, ::testing::ValuesIn(starling::test::migration_backends()));

}  // namespace

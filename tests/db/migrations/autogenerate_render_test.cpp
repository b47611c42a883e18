// Autogenerate's output without a database: differences between two
// MetaData, revision files, C++ strings, and that the files compile.
#include <starling/db/autogenerate.hpp>

#include <starling/db/ddl.hpp>
#include <starling/db/schema.hpp>

#include "migrations/compare_rules.hpp"
#include "migrations/render_code.hpp"
#include "support/live_schema.hpp"
#include "support/unique_name.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace db = starling::db;
namespace migrations = starling::db::migrations;
using db::Dialect;

using starling::test::contains;
using starling::test::descriptions;

namespace {

// Two versions of an app's MetaData: every kind of difference between them.
std::vector<db::SchemaDifference> every_kind_of_difference(Dialect dialect) {
  db::MetaData before;
  const db::Table users(
      "users", before,
      {db::Column("id", db::Integer, db::primary_key), db::Column("name", db::String(50)),
       db::Column("nick", db::String(20), db::index), db::Column("old", db::Text, db::default_("a\\b\n'c\""))});
  const db::Table legacy("legacy", before,
                         {db::Column("id", db::Integer, db::primary_key),
                          db::Column("user_id", db::Integer, db::foreign_key("users.id"), db::unique)});
  db::MetaData after;
  const db::Table users2(
      "users", after,
      {db::Column("id", db::Integer, db::primary_key),
       db::Column("name", db::String(80), db::not_null, db::default_("n")),
       db::Column("nick", db::String(20), db::unique), db::Column("email", db::String(200), db::index),
       db::Column("born", db::Date, db::server_default_now), db::Column("score", db::Float, db::default_(2.5)),
       db::Column("flag", db::Boolean, db::default_(false)), db::Column("money", db::Numeric(10, 2)),
       db::Column("big", db::BigInteger, db::default_sql("1 + 1")), db::Column("doc", db::JSON),
       db::Column("raw", db::LargeBinary), db::Column("at", db::DateTime)});
  const db::Table tags(
      "tags", after,
      {db::Column("id", db::Integer, db::primary_key),
       db::Column("user_id", db::Integer, db::not_null, db::foreign_key("users.id").on_delete("CASCADE")),
       db::Column("label", db::Text, db::not_null, db::index)});
  return db::compare_schemas(db::schema_of(before, dialect), db::schema_of(after, dialect), dialect);
}

}  // namespace

TEST(Autogenerate, EveryKindOfDifferenceBetweenSchemas) {
  const auto differences = every_kind_of_difference(Dialect::postgresql);
  EXPECT_EQ(descriptions(differences),
            "add table \"tags\"\n"
            "remove index \"ix_users_nick\" on \"users\" (\"nick\")\n"
            "remove column \"users\".\"old\"\n"
            "add column \"users\".\"email\"\n"
            "add column \"users\".\"born\"\n"
            "add column \"users\".\"score\"\n"
            "add column \"users\".\"flag\"\n"
            "add column \"users\".\"money\"\n"
            "add column \"users\".\"big\"\n"
            "add column \"users\".\"doc\"\n"
            "add column \"users\".\"raw\"\n"
            "add column \"users\".\"at\"\n"
            "change type of \"users\".\"name\": character varying(50) -> character varying(80)\n"
            "change nullable of \"users\".\"name\": NULL -> NOT NULL\n"
            "change server default of \"users\".\"name\": none -> 'n'\n"
            "add unique constraint (\"nick\") on \"users\"\n"
            "add index \"ix_users_email\" on \"users\" (\"email\")\n"
            "remove table \"legacy\"\n");
  std::string all;
  for (const auto& difference : differences) all += difference.upgrade + "\n" + difference.downgrade + "\n";
  EXPECT_TRUE(contains(all, "db::Column(\"born\", db::Date, db::server_default_now)"));
  EXPECT_TRUE(contains(all, "db::Column(\"score\", db::Float, db::default_(2.5))"));
  EXPECT_TRUE(contains(all, "db::Column(\"flag\", db::Boolean, db::default_(false))"));
  EXPECT_TRUE(contains(all, "db::Column(\"money\", db::Numeric(10, 2))"));
  EXPECT_TRUE(contains(all, "db::Column(\"big\", db::BigInteger, db::default_sql(\"1 + 1\"))"));
  EXPECT_TRUE(contains(all, "db::Column(\"old\", db::Text, db::default_(\"a\\\\b\\n'c\\\"\"))"));
  EXPECT_TRUE(contains(all, "op.alter_column(\"users\", \"name\", {.server_default = \"n\"});"));
  EXPECT_TRUE(contains(all, "op.alter_column(\"users\", \"name\", {.drop_server_default = true});"));
  EXPECT_TRUE(contains(all, "db::Column(\"user_id\", db::Integer, db::unique, db::foreign_key(\"users.id\"))"));
}

TEST(Autogenerate, RenderRevisionFile) {
  const std::vector<db::SchemaDifference> differences = {{"first", "op.a();", "op.undo_a();"},
                                                         {"second", "// why\nop.b();\nop.c();", "op.undo_b();"}};
  const auto file = db::render_revision_file({"0002-add x", {"0001"}, "say \"hi\"\\\n"}, differences);
  EXPECT_TRUE(contains(file, "#include <starling/db/migrations.hpp>\n"));
  EXPECT_TRUE(contains(file, "namespace db = starling::db;\n"));
  EXPECT_TRUE(contains(file, "extern const db::Revision r0002_add_x{\n"));
  EXPECT_TRUE(contains(file, ".id = \"0002-add x\",\n"));
  EXPECT_TRUE(contains(file, ".parents = {\"0001\"},\n"));
  EXPECT_TRUE(contains(file, ".message = \"say \\\"hi\\\"\\\\\\n\",\n"));
  EXPECT_TRUE(contains(file, "          op.a();\n          // why\n          op.b();\n          op.c();\n"));
  EXPECT_TRUE(contains(file, "          op.undo_b();\n          op.undo_a();\n"));  // downgrade: reverse order
  EXPECT_EQ(file.find("(void)op;"), std::string::npos);
  const auto empty = db::render_revision_file({"0003", {}, ""}, {});
  EXPECT_TRUE(contains(empty, ".parents = {},\n"));
  EXPECT_TRUE(contains(empty, "(void)op;"));
  EXPECT_EQ(db::revision_variable("2024-01-01.notes_x"), "r2024_01_01_notes_x");
}

TEST(Autogenerate, CppStringsAndDefaults) {
  EXPECT_EQ(migrations::cpp_string("a\"b\\c\nd\te\x01"
                                   "f"),
            "\"a\\\"b\\\\c\\nd\\te\\001f\"");
  EXPECT_EQ(migrations::normalize_default("('x'::character varying)"), "'x'");
  EXPECT_EQ(migrations::normalize_default("'-1'::integer"), "-1");
  EXPECT_EQ(migrations::normalize_default("now()"), "CURRENT_TIMESTAMP");
  EXPECT_EQ(migrations::normalize_default("current_timestamp"), "CURRENT_TIMESTAMP");
  EXPECT_EQ(migrations::normalize_default("'2024-01-01 00:00:00'::timestamp without time zone"),
            "'2024-01-01 00:00:00'");
  EXPECT_EQ(migrations::normalize_default("lower( 'X'::text )"), "LOWER('X')");
  EXPECT_EQ(migrations::normalize_default("(1) + (2)"), "(1)+(2)");
  EXPECT_EQ(migrations::normalize_default("true"), "1");
  EXPECT_FALSE(migrations::same_default(std::string("'a'"), std::string("'A'")));
  EXPECT_TRUE(migrations::same_default(std::string("NULL"), std::nullopt));
}

// The rendered file compiles as a revision of an app would (-Werror included). The
// `{.type = ...}` designated initializers need ColumnChanges' and ForeignKeyActions'
// members to have default member initializers, or GCC's -Wmissing-field-initializers fires.
TEST(Autogenerate, RevisionFileCompiles) {
  const auto dir = std::filesystem::temp_directory_path() / ("starling_revision_" + starling::test::unique_run_name());
  std::filesystem::create_directories(dir);
  for (const auto dialect : {Dialect::sqlite, Dialect::postgresql}) {
    for (const bool empty : {false, true}) {
      auto differences = empty ? std::vector<db::SchemaDifference>{} : every_kind_of_difference(dialect);
      if (!empty) {
        const db::ColumnSchema now{.name = "at", .type = db::DateTime, .default_sql = "CURRENT_TIMESTAMP"};
        const db::ColumnSchema yes{.name = "flag", .type = db::Boolean, .default_sql = "1"};
        differences.push_back(
            {"more",
             migrations::create_foreign_key_code("tags", {"n", {"user_id"}, "users", {"id"}, "CASCADE", "SET NULL"}),
             "op.alter_column(\"users\", \"at\", {" + migrations::render_default_change(now) + "});\n" +
                 "op.alter_column(\"users\", \"flag\", {" + migrations::render_default_change(yes) + "});"});
      }
      const auto path =
          dir / (std::string(empty ? "empty" : "full") + (dialect == Dialect::sqlite ? "_sqlite" : "_pg") + ".cpp");
      std::ofstream(path) << db::render_revision_file({"0002_x", {"0001"}, "m"}, differences);
      const auto command = std::string(STARLING_CXX_COMPILER) + " -std=c++20 -fsyntax-only -Wall -Wextra -Werror -I" +
                           STARLING_DB_INCLUDE_DIR + " " + path.string() + " 2>&1";
      EXPECT_EQ(std::system(command.c_str()), 0) << command;
    }
  }
  if (!HasFailure()) std::filesystem::remove_all(dir);  // kept to be read when it fails
}

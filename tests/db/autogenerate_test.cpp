#include <starling/db/autogenerate.hpp>

#include <starling/db/ddl.hpp>
#include <starling/db/schema.hpp>

#include "backends/backend.hpp"
#include "migrations/compare_rules.hpp"
#include "migrations/reflect_connection.hpp"
#include "migrations/render_code.hpp"
#include "support/schema_samples.hpp"
#include "support/test_databases.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace db = starling::db;
namespace migrations = starling::db::migrations;
using db::Dialect;

namespace {

using starling::test::define_everything;

// One connection for the whole test: a memory database exists only on it.
struct Live {
  explicit Live(const db::DatabaseURL& url) : dialect(url.dialect()), connection(db::backend::open_connection(url)) {}
  void run(const std::string& sql) { connection->execute(sql, {}); }
  void create(const db::MetaData& metadata) {
    for (const auto& sql : db::create_statements(metadata, dialect)) run(sql);
  }
  std::vector<db::SchemaDifference> compare(const db::MetaData& metadata) {
    return db::compare_schemas(migrations::reflect(*connection, dialect), db::schema_of(metadata, dialect), dialect);
  }
  Dialect dialect;
  std::unique_ptr<db::backend::Connection> connection;
};

std::string descriptions(const std::vector<db::SchemaDifference>& differences) {
  std::string out;
  for (const auto& difference : differences) out += difference.description + "\n";
  return out;
}

::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << part << "\" not in:\n" << text;
}


class AutogenerateTest : public starling::test::DatabaseTest {};

}  // namespace

TEST_P(AutogenerateTest, CreateAllComparesEmpty) {
  db::MetaData metadata;
  define_everything(metadata);
  Live live(url());
  live.create(metadata);
  EXPECT_EQ(descriptions(live.compare(metadata)), "");
}

TEST_P(AutogenerateTest, CompareMetadataByUrl) {
  if (is_memory()) GTEST_SKIP() << "compare_metadata(url) opens a new, empty memory database";
  db::MetaData metadata;
  define_everything(metadata);
  metadata.create_all(url());
  Live(url()).run("CREATE TABLE starling_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)");
  EXPECT_EQ(descriptions(db::compare_metadata(url(), metadata)), "");
  db::MetaData more = metadata;
  const db::Table tags("tags", more, {db::Column("id", db::Integer, db::primary_key)});
  EXPECT_EQ(descriptions(db::compare_metadata(url(), more)), "add table \"tags\"\n");
}

TEST_P(AutogenerateTest, NewTablesReferencedFirst) {
  db::MetaData before;
  const db::Table keep("keep", before, {db::Column("id", db::Integer, db::primary_key)});
  Live live(url());
  live.create(before);
  db::MetaData after = before;
  const db::Table child("a_child", after,
                        {db::Column("id", db::Integer, db::primary_key),
                         db::Column("parent_id", db::Integer, db::foreign_key("z_parent.id").on_delete("CASCADE"), db::index)});
  const db::Table parent("z_parent", after,
                         {db::Column("id", db::Integer, db::primary_key), db::Column("title", db::String(80), db::not_null),
                          db::Column("code", db::String(8), db::unique)});
  const auto differences = live.compare(after);
  EXPECT_EQ(descriptions(differences), "add table \"z_parent\"\nadd table \"a_child\"\n");
  ASSERT_EQ(differences.size(), 2u);
  EXPECT_EQ(differences[0].upgrade,
            "op.create_table(\"z_parent\", {\n"
            "    db::Column(\"id\", db::Integer, db::primary_key),\n"
            "    db::Column(\"title\", db::String(80), db::not_null),\n"
            "    db::Column(\"code\", db::String(8), db::unique),\n"
            "});");
  EXPECT_TRUE(contains(differences[1].upgrade,
                       "db::Column(\"parent_id\", db::Integer, db::index, "
                       "db::foreign_key(\"z_parent.id\").on_delete(\"CASCADE\"))"));
  EXPECT_EQ(differences[0].downgrade, "op.drop_table(\"z_parent\");");
  // The generated calls create exactly what the MetaData declares.
  for (const auto& sql : db::create_statements(after, live.dialect)) live.run(sql);
  EXPECT_EQ(descriptions(live.compare(after)), "");
}

TEST_P(AutogenerateTest, TablesOnlyInTheDatabase) {
  Live live(url());
  live.run("CREATE TABLE owners (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL DEFAULT 'x', a INTEGER, b INTEGER, "
           "CONSTRAINT uq_ab UNIQUE (a, b))");
  live.run("CREATE TABLE pets (id INTEGER PRIMARY KEY, owner_id INTEGER REFERENCES owners (id) ON DELETE CASCADE, "
           "oa INTEGER, ob INTEGER, CONSTRAINT fk_pair FOREIGN KEY (oa, ob) REFERENCES owners (a, b))");
  live.run("CREATE INDEX ix_pets_multi ON pets (oa, ob)");
  const auto differences = live.compare(db::MetaData{});
  // Dependants go first.
  EXPECT_EQ(descriptions(differences), "remove table \"pets\"\nremove table \"owners\"\n");
  ASSERT_EQ(differences.size(), 2u);
  EXPECT_EQ(differences[0].upgrade, "op.drop_table(\"pets\");");
  const auto& restore = differences[0].downgrade;
  EXPECT_TRUE(contains(restore, "op.create_table(\"pets\", {"));
  EXPECT_TRUE(contains(restore, "db::foreign_key(\"owners.id\").on_delete(\"CASCADE\")"));
  EXPECT_TRUE(contains(restore, "op.create_index(\"ix_pets_multi\", \"pets\", {\"oa\", \"ob\"});"));
  EXPECT_TRUE(contains(restore, "op.create_foreign_key(\"fk_pair\", \"pets\", {\"oa\", \"ob\"}, \"owners\", {\"a\", \"b\"});"));
  EXPECT_TRUE(contains(differences[1].downgrade, "db::Column(\"name\", db::String(20), db::not_null, db::default_(\"x\"))"));
  EXPECT_TRUE(contains(differences[1].downgrade, "op.create_unique_constraint(\"uq_ab\", \"owners\", {\"a\", \"b\"});"));
}

TEST_P(AutogenerateTest, ColumnsAddedAndRemoved) {
  Live live(url());
  live.run("CREATE TABLE notes (id INTEGER PRIMARY KEY, text VARCHAR(100), old TEXT NOT NULL DEFAULT 'o')");
  db::MetaData metadata;
  const db::Table notes("notes", metadata,
                        {db::Column("id", db::Integer, db::primary_key, db::autoincrement(false)),
                         db::Column("text", db::String(100)), db::Column("created_at", db::DateTime, db::server_default_now),
                         db::Column("count", db::Integer, db::not_null)});
  const auto differences = live.compare(metadata);
  EXPECT_EQ(descriptions(differences),
            "remove column \"notes\".\"old\"\nadd column \"notes\".\"created_at\"\nadd column \"notes\".\"count\"\n");
  ASSERT_EQ(differences.size(), 3u);
  EXPECT_TRUE(contains(differences[0].upgrade,
                       "// \"old\" removed and \"created_at\" added: if this is a rename, use "
                       "op.alter_column(\"notes\", \"old\", {.new_name = \"created_at\"})"));
  EXPECT_TRUE(contains(differences[0].upgrade, "op.drop_column(\"notes\", \"old\");"));
  EXPECT_EQ(differences[0].downgrade,
            "op.add_column(\"notes\", db::Column(\"old\", db::Text, db::not_null, db::default_(\"o\")));");
  EXPECT_EQ(differences[1].upgrade,
            "op.add_column(\"notes\", db::Column(\"created_at\", db::DateTime, db::server_default_now));");
  EXPECT_EQ(differences[1].downgrade, "op.drop_column(\"notes\", \"created_at\");");
  EXPECT_TRUE(contains(differences[2].upgrade, "// NOT NULL without a DEFAULT"));
}

TEST_P(AutogenerateTest, TypeNullabilityAndDefaultChanges) {
  Live live(url());
  live.run("CREATE TABLE items (id INTEGER PRIMARY KEY, title VARCHAR(100), body VARCHAR(10), n INTEGER NOT NULL, "
           "state VARCHAR(10) DEFAULT 'new', gone INTEGER DEFAULT 0, at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)");
  db::MetaData metadata;
  const db::Table items("items", metadata,
                        {db::Column("id", db::Integer, db::primary_key, db::autoincrement(false)),
                         db::Column("title", db::String(200)), db::Column("body", db::Text), db::Column("n", db::Integer),
                         db::Column("state", db::String(10), db::default_("done")), db::Column("gone", db::Integer),
                         db::Column("at", db::DateTime, db::default_sql("now()"))});
  const auto differences = live.compare(metadata);
  const auto sqlite = live.dialect == Dialect::sqlite;
  // now() and CURRENT_TIMESTAMP are the same DEFAULT (SQLite's rowid aside, the key is the same).
  EXPECT_EQ(descriptions(differences),
            "change type of \"items\".\"title\": " + std::string(sqlite ? "VARCHAR(100) -> VARCHAR(200)"
                                                                        : "character varying(100) -> character varying(200)") +
                "\nchange type of \"items\".\"body\": " + (sqlite ? "VARCHAR(10) -> TEXT" : "character varying(10) -> text") +
                "\nchange nullable of \"items\".\"n\": NOT NULL -> NULL"
                "\nchange server default of \"items\".\"state\": " +
                (sqlite ? "'new'" : "'new'::character varying") + " -> 'done'" +
                "\nchange server default of \"items\".\"gone\": 0 -> none\n");
  ASSERT_EQ(differences.size(), 5u);
  EXPECT_EQ(differences[0].upgrade, "op.alter_column(\"items\", \"title\", {.type = db::String(200)});");
  EXPECT_EQ(differences[0].downgrade, "op.alter_column(\"items\", \"title\", {.type = db::String(100)});");
  EXPECT_EQ(differences[1].upgrade, "op.alter_column(\"items\", \"body\", {.type = db::Text});");
  EXPECT_EQ(differences[2].upgrade, "op.alter_column(\"items\", \"n\", {.nullable = true});");
  EXPECT_EQ(differences[2].downgrade, "op.alter_column(\"items\", \"n\", {.nullable = false});");
  EXPECT_EQ(differences[3].upgrade, "op.alter_column(\"items\", \"state\", {.server_default = \"done\"});");
  EXPECT_EQ(differences[3].downgrade, "op.alter_column(\"items\", \"state\", {.server_default = \"new\"});");
  EXPECT_EQ(differences[4].upgrade, "op.alter_column(\"items\", \"gone\", {.drop_server_default = true});");
  EXPECT_EQ(differences[4].downgrade, "op.alter_column(\"items\", \"gone\", {.server_default = 0});");
}

TEST_P(AutogenerateTest, Indexes) {
  Live live(url());
  live.run("CREATE TABLE docs (id INTEGER PRIMARY KEY, title VARCHAR(20), slug VARCHAR(20), a INTEGER, b INTEGER)");
  live.run("CREATE INDEX ix_docs_slug ON docs (slug)");   // declared unique: changed
  live.run("CREATE INDEX ix_docs_extra ON docs (a, b)");  // not declared: removed
  db::MetaData metadata;
  const db::Table docs("docs", metadata,
                       {db::Column("id", db::Integer, db::primary_key, db::autoincrement(false)),
                        db::Column("title", db::String(20), db::index), db::Column("slug", db::String(20), db::unique, db::index),
                        db::Column("a", db::Integer), db::Column("b", db::Integer)});
  const auto differences = live.compare(metadata);
  EXPECT_EQ(descriptions(differences),
            "remove index \"ix_docs_extra\" on \"docs\" (\"a\", \"b\")\n"
            "remove index \"ix_docs_slug\" on \"docs\" (\"slug\")\n"
            "add unique index \"ix_docs_slug\" on \"docs\" (\"slug\")\n"
            "add index \"ix_docs_title\" on \"docs\" (\"title\")\n");
  ASSERT_EQ(differences.size(), 4u);
  EXPECT_EQ(differences[0].upgrade, "op.drop_index(\"ix_docs_extra\", \"docs\");");
  EXPECT_EQ(differences[0].downgrade, "op.create_index(\"ix_docs_extra\", \"docs\", {\"a\", \"b\"});");
  EXPECT_EQ(differences[2].upgrade, "op.create_index(\"ix_docs_slug\", \"docs\", {\"slug\"}, true);");
  EXPECT_EQ(differences[3].upgrade, "op.create_index(\"ix_docs_title\", \"docs\", {\"title\"});");
  EXPECT_EQ(differences[3].downgrade, "op.drop_index(\"ix_docs_title\", \"docs\");");
}

TEST_P(AutogenerateTest, UniqueConstraints) {
  Live live(url());
  live.run("CREATE TABLE accounts (id INTEGER PRIMARY KEY, email VARCHAR(50), x INTEGER, y INTEGER, "
           "CONSTRAINT uq_xy UNIQUE (x, y))");
  db::MetaData metadata;
  const db::Table accounts("accounts", metadata,
                           {db::Column("id", db::Integer, db::primary_key, db::autoincrement(false)),
                            db::Column("email", db::String(50), db::unique), db::Column("x", db::Integer),
                            db::Column("y", db::Integer)});
  const auto differences = live.compare(metadata);
  EXPECT_EQ(descriptions(differences),
            "remove unique constraint (\"x\", \"y\") on \"accounts\"\nadd unique constraint (\"email\") on \"accounts\"\n");
  ASSERT_EQ(differences.size(), 2u);
  EXPECT_EQ(differences[0].upgrade, "op.drop_constraint(\"uq_xy\", \"accounts\");");
  EXPECT_EQ(differences[0].downgrade, "op.create_unique_constraint(\"uq_xy\", \"accounts\", {\"x\", \"y\"});");
  EXPECT_EQ(differences[1].upgrade, "op.create_unique_constraint(\"accounts_email_key\", \"accounts\", {\"email\"});");
  EXPECT_EQ(differences[1].downgrade, "op.drop_constraint(\"accounts_email_key\", \"accounts\");");
}

TEST_P(AutogenerateTest, UniqueIndexStandsForAConstraintOnSqlite) {
  Live live(url());
  live.run("CREATE TABLE accounts (id INTEGER PRIMARY KEY, email VARCHAR(50))");
  live.run("CREATE UNIQUE INDEX accounts_email_key ON accounts (email)");
  db::MetaData metadata;
  const db::Table accounts("accounts", metadata,
                           {db::Column("id", db::Integer, db::primary_key, db::autoincrement(false)),
                            db::Column("email", db::String(50), db::unique)});
  const auto expected = live.dialect == Dialect::sqlite
                            ? ""
                            : "remove unique index \"accounts_email_key\" on \"accounts\" (\"email\")\n"
                              "add unique constraint (\"email\") on \"accounts\"\n";
  EXPECT_EQ(descriptions(live.compare(metadata)), expected);
}

TEST_P(AutogenerateTest, ForeignKeys) {
  Live live(url());
  live.run("CREATE TABLE users (id INTEGER PRIMARY KEY)");
  live.run("CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), editor_id INTEGER)");
  db::MetaData metadata;
  const db::Table users("users", metadata, {db::Column("id", db::Integer, db::primary_key, db::autoincrement(false))});
  const db::Table posts("posts", metadata,
                        {db::Column("id", db::Integer, db::primary_key, db::autoincrement(false)),
                         db::Column("user_id", db::Integer, db::foreign_key("users.id").on_delete("CASCADE")),
                         db::Column("editor_id", db::Integer, db::foreign_key("users.id"))});
  const auto differences = live.compare(metadata);
  EXPECT_EQ(descriptions(differences),
            "remove foreign key on \"posts\" (\"user_id\") -> \"users\" (\"id\")\n"
            "add foreign key on \"posts\" (\"editor_id\") -> \"users\" (\"id\")\n"
            "add foreign key on \"posts\" (\"user_id\") -> \"users\" (\"id\") ON DELETE CASCADE\n");
  ASSERT_EQ(differences.size(), 3u);
  if (live.dialect == Dialect::sqlite) {
    EXPECT_TRUE(contains(differences[0].upgrade, "has no name"));  // SQLite keeps no name to drop it by
  } else {
    EXPECT_EQ(differences[0].upgrade, "op.drop_constraint(\"posts_user_id_fkey\", \"posts\");");
  }
  EXPECT_EQ(differences[0].downgrade,
            "op.create_foreign_key(\"posts_user_id_fkey\", \"posts\", {\"user_id\"}, \"users\", {\"id\"});");
  EXPECT_EQ(differences[2].upgrade, "op.create_foreign_key(\"posts_user_id_fkey\", \"posts\", {\"user_id\"}, "
                                    "\"users\", {\"id\"}, {.on_delete = \"CASCADE\"});");
  EXPECT_EQ(differences[2].downgrade, "op.drop_constraint(\"posts_user_id_fkey\", \"posts\");");
}

TEST_P(AutogenerateTest, PrimaryKeysAreReportedNotAltered) {
  Live live(url());
  live.run("CREATE TABLE pairs (a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (a))");
  db::MetaData metadata;
  const db::Table pairs("pairs", metadata,
                        {db::Column("a", db::Integer, db::primary_key), db::Column("b", db::Integer, db::primary_key)});
  const auto differences = live.compare(metadata);
  ASSERT_EQ(differences.size(), 1u);
  EXPECT_TRUE(contains(differences[0].description, "primary key of \"pairs\" differs: (\"a\") in the database, "
                                                   "(\"a\", \"b\") declared"));
  EXPECT_TRUE(differences[0].upgrade.starts_with("// "));
  EXPECT_TRUE(contains(differences[0].upgrade, "Starling does not alter primary keys"));
}

INSTANTIATE_TEST_SUITE_P(Backends, AutogenerateTest, ::testing::ValuesIn(starling::test::database_backends()));

namespace {

// Two versions of an app's MetaData: every kind of difference between them.
std::vector<db::SchemaDifference> every_kind_of_difference(Dialect dialect) {
  db::MetaData before;
  const db::Table users("users", before,
                        {db::Column("id", db::Integer, db::primary_key), db::Column("name", db::String(50)),
                         db::Column("nick", db::String(20), db::index), db::Column("old", db::Text, db::default_("a\\b\n'c\""))});
  const db::Table legacy("legacy", before,
                         {db::Column("id", db::Integer, db::primary_key),
                          db::Column("user_id", db::Integer, db::foreign_key("users.id"), db::unique)});
  db::MetaData after;
  const db::Table users2("users", after,
                         {db::Column("id", db::Integer, db::primary_key), db::Column("name", db::String(80), db::not_null, db::default_("n")),
                          db::Column("nick", db::String(20), db::unique), db::Column("email", db::String(200), db::index),
                          db::Column("born", db::Date, db::server_default_now), db::Column("score", db::Float, db::default_(2.5)),
                          db::Column("flag", db::Boolean, db::default_(false)), db::Column("money", db::Numeric(10, 2)),
                          db::Column("big", db::BigInteger, db::default_sql("1 + 1")), db::Column("doc", db::JSON),
                          db::Column("raw", db::LargeBinary), db::Column("at", db::DateTime)});
  const db::Table tags("tags", after,
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
  EXPECT_EQ(migrations::cpp_string("a\"b\\c\nd\te\x01" "f"), "\"a\\\"b\\\\c\\nd\\te\\001f\"");
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
        differences.push_back({"more", migrations::create_foreign_key_code("tags", {"n", {"user_id"}, "users", {"id"}, "CASCADE", "SET NULL"}),
                               "op.alter_column(\"users\", \"at\", {" + migrations::render_default_change(now) + "});\n" +
                                   "op.alter_column(\"users\", \"flag\", {" + migrations::render_default_change(yes) + "});"});
      }
      const auto path = dir / (std::string(empty ? "empty" : "full") + (dialect == Dialect::sqlite ? "_sqlite" : "_pg") + ".cpp");
      std::ofstream(path) << db::render_revision_file({"0002_x", {"0001"}, "m"}, differences);
      const auto command = std::string(STARLING_CXX_COMPILER) + " -std=c++20 -fsyntax-only -Wall -Wextra -Werror -I" +
                           STARLING_DB_INCLUDE_DIR + " " + path.string() + " 2>&1";
      EXPECT_EQ(std::system(command.c_str()), 0) << command;
    }
  }
  if (!HasFailure()) std::filesystem::remove_all(dir);  // kept to be read when it fails
}

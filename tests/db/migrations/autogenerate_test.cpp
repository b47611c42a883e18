// Autogenerate against a live database on every backend: differences from the MetaData in tables, columns,
// types, nullability, defaults, indexes, unique and foreign keys, in dependency order, and the op calls.
#include <starling/db/autogenerate.hpp>

#include <starling/db/ddl.hpp>
#include <starling/db/schema.hpp>

#include "backends/backend.hpp"
#include "migrations/compare_rules.hpp"
#include "migrations/reflect_connection.hpp"
#include "migrations/render_code.hpp"
#include "support/live_schema.hpp"
#include "support/schema_samples.hpp"
#include "support/test_databases.hpp"

#include <gtest/gtest.h>

namespace db = starling::db;
namespace migrations = starling::db::migrations;
using db::Dialect;

namespace {

using starling::test::define_everything;

using Live = starling::test::LiveSchema;
using starling::test::contains;
using starling::test::descriptions;

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
  const db::Table child(
      "a_child", after,
      {db::Column("id", db::Integer, db::primary_key),
       db::Column("parent_id", db::Integer, db::foreign_key("z_parent.id").on_delete("CASCADE"), db::index)});
  const db::Table parent(
      "z_parent", after,
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
  live.run(
      "CREATE TABLE owners (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL DEFAULT 'x', a INTEGER, b INTEGER, "
      "CONSTRAINT uq_ab UNIQUE (a, b))");
  live.run(
      "CREATE TABLE pets (id INTEGER PRIMARY KEY, owner_id INTEGER REFERENCES owners (id) ON DELETE CASCADE, "
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
  EXPECT_TRUE(
      contains(restore, "op.create_foreign_key(\"fk_pair\", \"pets\", {\"oa\", \"ob\"}, \"owners\", {\"a\", \"b\"});"));
  EXPECT_TRUE(
      contains(differences[1].downgrade, "db::Column(\"name\", db::String(20), db::not_null, db::default_(\"x\"))"));
  EXPECT_TRUE(
      contains(differences[1].downgrade, "op.create_unique_constraint(\"uq_ab\", \"owners\", {\"a\", \"b\"});"));
}

TEST_P(AutogenerateTest, ColumnsAddedAndRemoved) {
  Live live(url());
  live.run("CREATE TABLE notes (id INTEGER PRIMARY KEY, text VARCHAR(100), old TEXT NOT NULL DEFAULT 'o')");
  db::MetaData metadata;
  const db::Table notes(
      "notes", metadata,
      {db::Column("id", db::Integer, db::primary_key, db::autoincrement(false)), db::Column("text", db::String(100)),
       db::Column("created_at", db::DateTime, db::server_default_now), db::Column("count", db::Integer, db::not_null)});
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
  live.run(
      "CREATE TABLE items (id INTEGER PRIMARY KEY, title VARCHAR(100), body VARCHAR(10), n INTEGER NOT NULL, "
      "state VARCHAR(10) DEFAULT 'new', gone INTEGER DEFAULT 0, at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)");
  db::MetaData metadata;
  const db::Table items("items", metadata,
                        {db::Column("id", db::Integer, db::primary_key, db::autoincrement(false)),
                         db::Column("title", db::String(200)), db::Column("body", db::Text),
                         db::Column("n", db::Integer), db::Column("state", db::String(10), db::default_("done")),
                         db::Column("gone", db::Integer), db::Column("at", db::DateTime, db::default_sql("now()"))});
  const auto differences = live.compare(metadata);
  const auto sqlite = live.dialect == Dialect::sqlite;
  // now() and CURRENT_TIMESTAMP are the same DEFAULT (SQLite's rowid aside, the key is the same).
  EXPECT_EQ(
      descriptions(differences),
      "change type of \"items\".\"title\": " +
          std::string(sqlite ? "VARCHAR(100) -> VARCHAR(200)" : "character varying(100) -> character varying(200)") +
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
  const db::Table docs(
      "docs", metadata,
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
  live.run(
      "CREATE TABLE accounts (id INTEGER PRIMARY KEY, email VARCHAR(50), x INTEGER, y INTEGER, "
      "CONSTRAINT uq_xy UNIQUE (x, y))");
  db::MetaData metadata;
  const db::Table accounts(
      "accounts", metadata,
      {db::Column("id", db::Integer, db::primary_key, db::autoincrement(false)),
       db::Column("email", db::String(50), db::unique), db::Column("x", db::Integer), db::Column("y", db::Integer)});
  const auto differences = live.compare(metadata);
  EXPECT_EQ(
      descriptions(differences),
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
  EXPECT_EQ(differences[2].upgrade,
            "op.create_foreign_key(\"posts_user_id_fkey\", \"posts\", {\"user_id\"}, "
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
  EXPECT_TRUE(contains(differences[0].description,
                       "primary key of \"pairs\" differs: (\"a\") in the database, "
                       "(\"a\", \"b\") declared"));
  EXPECT_TRUE(differences[0].upgrade.starts_with("// "));
  EXPECT_TRUE(contains(differences[0].upgrade, "Starling does not alter primary keys"));
}

TEST_P(AutogenerateTest, PostgresTypesAreComparedAsPostgresSpellsThem) {
  if (!is_postgres()) GTEST_SKIP() << "SQLite has one affinity for both";
  Live live(url());
  live.run("CREATE TABLE events (id SERIAL PRIMARY KEY, at TIMESTAMPTZ, doc JSON)");
  db::MetaData metadata;
  const db::Table events(
      "events", metadata,
      {db::Column("id", db::Integer, db::primary_key), db::Column("at", db::DateTime), db::Column("doc", db::JSON)});
  EXPECT_EQ(descriptions(live.compare(metadata)),
            "change type of \"events\".\"at\": timestamp with time zone -> timestamp without time zone\n"
            "change type of \"events\".\"doc\": json -> jsonb\n");
}

INSTANTIATE_TEST_SUITE_P(Backends, AutogenerateTest, ::testing::ValuesIn(starling::test::database_backends()));

// Reflection of live schemas on every backend, matching schema_of(MetaData), raw-SQL constraints and dialect
// quirks; and, without a database, type_from_sql and the parser for SQLite's named constraints.
#include <starling/db/reflection.hpp>

#include <starling/db/ddl.hpp>
#include <starling/db/schema.hpp>

#include "backends/backend.hpp"
#include "migrations/compare_rules.hpp"
#include "migrations/reflect_connection.hpp"
#include "migrations/sqlite_table_parser.hpp"
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

// PostgreSQL spells DEFAULTs its own way ('x'::character varying): compared normalised there.
db::SchemaSnapshot comparable(db::SchemaSnapshot snapshot, Dialect dialect) {
  if (dialect == Dialect::postgresql)
    for (auto& table : snapshot.tables)
      for (auto& column : table.columns)
        if (column.default_sql) column.default_sql = migrations::normalize_default(*column.default_sql);
  return snapshot;
}

void expect_same(const db::SchemaSnapshot& live, const db::SchemaSnapshot& declared, Dialect dialect) {
  const auto a = comparable(live, dialect);
  const auto b = comparable(declared, dialect);
  ASSERT_EQ(a.tables.size(), b.tables.size());
  for (std::size_t i = 0; i < a.tables.size(); ++i) {
    const auto& x = a.tables[i];
    const auto& y = b.tables[i];
    ASSERT_EQ(x.name, y.name);
    ASSERT_EQ(x.columns.size(), y.columns.size()) << x.name;
    for (std::size_t c = 0; c < x.columns.size(); ++c) {
      const auto& u = x.columns[c];
      const auto& v = y.columns[c];
      EXPECT_EQ(u.name, v.name) << x.name;
      EXPECT_EQ(u.sql_type, v.sql_type) << x.name << "." << u.name;
      EXPECT_TRUE(u.type == v.type) << x.name << "." << u.name;
      EXPECT_EQ(u.nullable, v.nullable) << x.name << "." << u.name;
      EXPECT_EQ(u.default_sql, v.default_sql) << x.name << "." << u.name;
      EXPECT_EQ(u.autoincrement, v.autoincrement) << x.name << "." << u.name;
    }
    EXPECT_EQ(x.primary_key, y.primary_key) << x.name;
    EXPECT_TRUE(x.indexes == y.indexes) << x.name;
    EXPECT_TRUE(x.unique_constraints == y.unique_constraints) << x.name;
    EXPECT_TRUE(x.foreign_keys == y.foreign_keys) << x.name;
    EXPECT_TRUE(x == y) << x.name;
  }
}

class ReflectionTest : public starling::test::DatabaseTest {};

}  // namespace

TEST_P(ReflectionTest, ReflectsWhatSchemaOfDeclares) {
  db::MetaData metadata;
  define_everything(metadata);
  Live live(url());
  live.create(metadata);
  const auto declared = db::schema_of(metadata, live.dialect);
  expect_same(live.reflect(), declared, live.dialect);

  // And schema_of says what the DDL says, not merely the same as reflection.
  const bool sqlite = live.dialect == Dialect::sqlite;
  const auto& users = *declared.table("users");
  EXPECT_EQ(users.column("email")->sql_type, sqlite ? "VARCHAR(200)" : "character varying(200)");
  EXPECT_TRUE(users.column("email")->type == db::String(200));
  EXPECT_FALSE(users.column("email")->nullable);
  EXPECT_TRUE(users.column("id")->autoincrement);
  EXPECT_FALSE(users.column("id")->default_sql.has_value());
  EXPECT_EQ(users.column("bio")->default_sql, "'it''s \"new\"\\'");
  EXPECT_EQ(users.column("created_at")->default_sql, "CURRENT_TIMESTAMP");
  EXPECT_EQ(users.column("lowered")->default_sql, "lower('X')");  // as SQLite reports `DEFAULT (lower('X'))`
  EXPECT_EQ(users.primary_key, std::vector<std::string>{"id"});
  ASSERT_EQ(users.indexes.size(), 2u);
  EXPECT_EQ(users.indexes[0].name, "ix_users_handle");
  EXPECT_TRUE(users.indexes[0].unique);
  EXPECT_EQ(users.indexes[1].name, "ix_users_name");
  EXPECT_FALSE(users.indexes[1].unique);
  ASSERT_EQ(users.unique_constraints.size(), 1u);
  EXPECT_EQ(users.unique_constraints[0].name, sqlite ? "" : "users_email_key");
  EXPECT_EQ(users.unique_constraints[0].columns, std::vector<std::string>{"email"});
  const auto& posts = *declared.table("posts");
  ASSERT_EQ(posts.foreign_keys.size(), 2u);
  EXPECT_EQ(posts.foreign_keys[1].name, sqlite ? "" : "posts_user_id_fkey");
  EXPECT_EQ(posts.foreign_keys[1].on_delete, "CASCADE");
  EXPECT_EQ(posts.foreign_keys[1].on_update, "");
  EXPECT_EQ(posts.foreign_keys[0].on_delete, "SET NULL");
  EXPECT_TRUE(posts.column("id")->type == (sqlite ? db::Integer : db::BigInteger));  // the rowid is INTEGER
  EXPECT_EQ(declared.table("pairs")->primary_key, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(declared.table("manual")->column("id")->autoincrement, sqlite);  // SQLite: the rowid all the same
  std::vector<std::string> names;
  for (const auto& table : declared.tables) names.push_back(table.name);
  EXPECT_EQ(names, (std::vector<std::string>{"codes", "manual", "pairs", "posts", "users"}));
}

TEST_P(ReflectionTest, ReflectByUrlSkipsTheVersionTable) {
  if (is_memory()) GTEST_SKIP() << "reflect(url) opens a new, empty memory database";
  db::MetaData metadata;
  define_everything(metadata);
  metadata.create_all(url());
  Live live(url());
  live.run("CREATE TABLE starling_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)");
  const auto reflected = db::reflect(url());
  EXPECT_EQ(reflected.table("starling_version"), nullptr);
  expect_same(reflected, db::schema_of(metadata, url().dialect()), url().dialect());
  EXPECT_NE(migrations::reflect(*live.connection, live.dialect, "").table("starling_version"), nullptr);
}

TEST_P(ReflectionTest, RawSqlNamedConstraintsAndMultiColumnIndexes) {
  Live live(url());
  live.run("CREATE TABLE parents (a INTEGER NOT NULL, b VARCHAR(10) NOT NULL, PRIMARY KEY (b, a), UNIQUE (a))");
  live.run(
      "CREATE TABLE \"child ren\" (id INTEGER PRIMARY KEY, pa INTEGER, pb VARCHAR(10), code TEXT, x INTEGER, "
      "y INTEGER DEFAULT 7, CONSTRAINT uq_xy UNIQUE (x, y), "
      "CONSTRAINT \"fk \"\"parent\"\"\" FOREIGN KEY (pb, pa) REFERENCES parents (b, a) ON DELETE CASCADE ON UPDATE "
      "SET NULL, UNIQUE (code), FOREIGN KEY (x) REFERENCES parents (a) ON DELETE RESTRICT)");
  live.run("CREATE INDEX ix_multi ON \"child ren\" (y, x)");
  live.run("CREATE UNIQUE INDEX ux_code_x ON \"child ren\" (code, x)");
  const bool sqlite = live.dialect == Dialect::sqlite;

  const auto parents = live.table("parents");
  EXPECT_EQ(parents.primary_key, (std::vector<std::string>{"b", "a"}));
  EXPECT_FALSE(parents.column("a")->autoincrement);

  const auto child = live.table("child ren");
  ASSERT_EQ(child.columns.size(), 6u);
  EXPECT_EQ(child.columns[0].name, "id");
  EXPECT_EQ(child.columns[5].name, "y");
  EXPECT_EQ(child.columns[5].default_sql, "7");
  EXPECT_EQ(child.columns[0].autoincrement, sqlite);  // INTEGER PRIMARY KEY is SQLite's rowid, not a SERIAL
  EXPECT_FALSE(child.columns[0].nullable);
  EXPECT_EQ(child.primary_key, std::vector<std::string>{"id"});
  EXPECT_TRUE(child.indexes ==
              (std::vector<db::IndexSchema>{{"ix_multi", {"y", "x"}, false}, {"ux_code_x", {"code", "x"}, true}}));
  EXPECT_TRUE(child.unique_constraints ==
              (std::vector<db::UniqueSchema>{{sqlite ? "" : "child ren_code_key", {"code"}}, {"uq_xy", {"x", "y"}}}));
  ASSERT_EQ(child.foreign_keys.size(), 2u);
  EXPECT_TRUE(child.foreign_keys[0] ==
              (db::ForeignKeySchema{"fk \"parent\"", {"pb", "pa"}, "parents", {"b", "a"}, "CASCADE", "SET NULL"}));
  EXPECT_EQ(child.foreign_keys[1].name, sqlite ? "" : "child ren_x_fkey");
  EXPECT_EQ(child.foreign_keys[1].referred_columns, std::vector<std::string>{"a"});
  EXPECT_EQ(child.foreign_keys[1].on_delete, "RESTRICT");
  EXPECT_EQ(child.foreign_keys[1].on_update, "");
  EXPECT_FALSE(migrations::reflect_table(*live.connection, live.dialect, "missing").has_value());
}

TEST_P(ReflectionTest, DialectSpecifics) {
  Live live(url());
  if (live.dialect == Dialect::sqlite) {
    live.run(
        "CREATE TABLE t (id integer PRIMARY KEY, kind Moneyish( 3 ) NOT NULL DEFAULT (1 + 2), "
        "at DATETIME DEFAULT CURRENT_TIMESTAMP, n NUMERIC(10, 2), ref INTEGER CONSTRAINT fk_inline REFERENCES t, "
        "c TEXT CONSTRAINT uq_c UNIQUE)");
    live.run("CREATE INDEX ix_expr ON t (lower(kind))");
    const auto t = live.table("t");
    EXPECT_TRUE(t.column("id")->autoincrement);              // the rowid, without the AUTOINCREMENT keyword too
    EXPECT_EQ(t.column("kind")->sql_type, "Moneyish( 3 )");  // verbatim
    EXPECT_FALSE(t.column("kind")->nullable);
    EXPECT_EQ(t.column("kind")->default_sql, "1 + 2");
    EXPECT_TRUE(t.column("kind")->type == db::Numeric);  // SQLite's affinity for an unknown name
    EXPECT_EQ(t.column("at")->default_sql, "CURRENT_TIMESTAMP");
    EXPECT_EQ(t.column("n")->sql_type, "NUMERIC(10, 2)");
    EXPECT_TRUE(t.column("n")->type == db::Numeric(10, 2));
    EXPECT_TRUE(t.indexes.empty());  // an expression index has no place in the model
    ASSERT_EQ(t.foreign_keys.size(), 1u);
    EXPECT_TRUE(t.foreign_keys[0] == (db::ForeignKeySchema{"fk_inline", {"ref"}, "t", {"id"}, "", ""}));
    EXPECT_TRUE(t.unique_constraints == (std::vector<db::UniqueSchema>{{"uq_c", {"c"}}}));
  } else {
    live.run(
        "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, s SERIAL, "
        "at TIMESTAMP WITH TIME ZONE DEFAULT now(), n NUMERIC(10, 2) DEFAULT 1.25, tag VARCHAR(20) DEFAULT 'x')");
    live.run("CREATE INDEX ix_expr ON t (lower(tag))");
    live.run("CREATE INDEX ix_partial ON t (n) WHERE n > 0");
    const auto t = live.table("t");
    EXPECT_TRUE(t.column("id")->autoincrement);
    EXPECT_TRUE(t.column("s")->autoincrement);
    EXPECT_FALSE(t.column("s")->default_sql.has_value());
    EXPECT_EQ(t.column("s")->sql_type, "integer");
    EXPECT_TRUE(t.column("id")->type == db::BigInteger);
    EXPECT_TRUE(t.column("at")->type == db::DateTime(db::with_timezone));
    EXPECT_EQ(t.column("at")->default_sql, "now()");
    EXPECT_EQ(t.column("n")->sql_type, "numeric(10,2)");
    EXPECT_TRUE(t.column("n")->type == db::Numeric(10, 2));
    EXPECT_EQ(t.column("tag")->default_sql, "'x'::character varying");
    EXPECT_TRUE(t.indexes.empty());  // expression and partial indexes have no place in the model
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ReflectionTest, ::testing::ValuesIn(starling::test::database_backends()));

TEST(TypeFromSql, EveryTypeReadsBack) {
  const std::vector<db::Type> types = {db::Integer, db::BigInteger, db::String,     db::String(200),    db::Text,
                                       db::Boolean, db::Float,      db::Numeric,    db::Numeric(10, 2), db::DateTime,
                                       db::Date,    db::JSON,       db::LargeBinary};
  for (const auto& type : types) {
    EXPECT_TRUE(db::type_from_sql(db::sql_type(type, Dialect::sqlite), Dialect::sqlite) == type)
        << db::sql_type(type, Dialect::sqlite);
    EXPECT_TRUE(db::type_from_sql(db::sql_type(type, Dialect::postgresql), Dialect::postgresql) == type)
        << db::sql_type(type, Dialect::postgresql);
  }
}

TEST(TypeFromSql, DatabaseSpellings) {
  EXPECT_TRUE(db::type_from_sql("character varying(200)", Dialect::postgresql) == db::String(200));
  EXPECT_TRUE(db::type_from_sql("character varying", Dialect::postgresql) == db::String);
  EXPECT_TRUE(db::type_from_sql("timestamp without time zone", Dialect::postgresql) == db::DateTime);
  EXPECT_TRUE(db::type_from_sql("double precision", Dialect::postgresql) == db::Float);
  EXPECT_TRUE(db::type_from_sql("jsonb", Dialect::postgresql) == db::JSON);
  EXPECT_TRUE(db::type_from_sql("numeric(12,3)", Dialect::postgresql) == db::Numeric(12, 3));
  EXPECT_TRUE(db::type_from_sql("bytea", Dialect::postgresql) == db::LargeBinary);
  EXPECT_TRUE(db::type_from_sql("varchar(20)", Dialect::sqlite) == db::String(20));
  // Unknown names map by SQLite's affinity rules.
  EXPECT_TRUE(db::type_from_sql("UNSIGNED BIG INT", Dialect::sqlite) == db::Integer);
  EXPECT_TRUE(db::type_from_sql("NATIVE CHARACTER(70)", Dialect::sqlite) == db::Text);
  EXPECT_TRUE(db::type_from_sql("", Dialect::sqlite) == db::LargeBinary);
  EXPECT_TRUE(db::type_from_sql("DOUBLE PRECISION", Dialect::sqlite) == db::Float);
  EXPECT_TRUE(db::type_from_sql("MONEYISH", Dialect::sqlite) == db::Numeric);
}

TEST(SqliteTableParser, NamedConstraints) {
  const auto found = migrations::named_constraints(
      "CREATE TABLE \"t\" (a INT CONSTRAINT \"u a\" UNIQUE, -- a comment, CONSTRAINT x UNIQUE (z)\n"
      " b INT CONSTRAINT [fk b] REFERENCES o(id), c TEXT DEFAULT 'CONSTRAINT q UNIQUE (c)', "
      "CONSTRAINT `pair` UNIQUE (b COLLATE nocase DESC, c), UNIQUE (a, b), "
      "CONSTRAINT fk2 FOREIGN KEY (\"a\", b) REFERENCES o (x, y) ON DELETE CASCADE, CHECK (a > 0))");
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[0].name, "u a");
  EXPECT_EQ(found[0].columns, std::vector<std::string>{"a"});
  EXPECT_EQ(found[1].name, "fk b");
  EXPECT_EQ(found[1].kind, migrations::NamedConstraint::Kind::foreign_key);
  EXPECT_EQ(found[2].name, "pair");
  EXPECT_EQ(found[2].columns, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(found[3].name, "fk2");
  EXPECT_EQ(found[3].columns, (std::vector<std::string>{"a", "b"}));
}

TEST(SqliteTableParser, EnumChecks) {
  const auto found = migrations::enum_checks(
      "CREATE TABLE t (a VARCHAR(5) NOT NULL CHECK (\"a\" IN ('x', 'it''s')), b TEXT CHECK (b IN ('one')), "
      "c TEXT CHECK (c > 'a'), d TEXT CHECK (a IN ('y')), CONSTRAINT named CHECK ([e] IN ('p', 'q')), "
      "f TEXT CHECK (f IN ('x', 1)), g TEXT CHECK (g IN ('x', g)))");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].column, "a");
  EXPECT_EQ(found[0].choices, (std::vector<std::string>{"x", "it's"}));
  EXPECT_EQ(found[1].column, "b");
  EXPECT_EQ(found[1].choices, std::vector<std::string>{"one"});
  EXPECT_EQ(found[2].column, "e");  // a table CHECK names its column
}

TEST(PostgresEnumChoices, ReadsOnlyTheShapeAnEnumCheckTakes) {
  EXPECT_EQ(
      migrations::postgres_enum_choices(
          "CHECK (((s)::text = ANY ((ARRAY['draft'::character varying, 'it''s'::character varying])::text[])))", "s"),
      (std::vector<std::string>{"draft", "it's"}));
  EXPECT_EQ(migrations::postgres_enum_choices("CHECK (((\"My State\")::text = 'a'::text))", "My State"),
            std::vector<std::string>{"a"});
  EXPECT_EQ(migrations::postgres_enum_choices("CHECK (((\"it's\")::text = 'a'::text))", "it's"),
            std::vector<std::string>{"a"});
  EXPECT_FALSE(migrations::postgres_enum_choices("CHECK (((s)::text = 'a'::text))", "t"));  // another column
  EXPECT_FALSE(migrations::postgres_enum_choices("CHECK ((price > (0)::numeric))", "price"));
  EXPECT_FALSE(migrations::postgres_enum_choices("CHECK (((s)::text <> 'a'::text))", "s"));
}

TEST(SameType, AnEnumsChoicesCompareInAnyOrder) {
  db::ColumnSchema live{.name = "s", .type = db::Enum({"a", "b"}), .sql_type = "VARCHAR(1)"};
  auto declared = live;
  declared.type = db::Enum({"b", "a"});
  EXPECT_TRUE(migrations::same_type(live, declared, Dialect::sqlite));
  EXPECT_TRUE(migrations::same_type(live, declared, Dialect::postgresql));
  declared.type = db::Enum({"a", "c"});
  EXPECT_FALSE(migrations::same_type(live, declared, Dialect::sqlite));
  EXPECT_FALSE(migrations::same_type(live, declared, Dialect::postgresql));
}

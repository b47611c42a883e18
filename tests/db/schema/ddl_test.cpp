// CREATE and DROP statements for SQLite and PostgreSQL, as text: type mapping, primary keys, autoincrement,
// DEFAULTs, unique columns and indexes, foreign keys in dependency order, quoted identifiers.
#include <starling/db/ddl.hpp>

#include <gtest/gtest.h>

#include <limits>

#include "support/error_message.hpp"

namespace db = starling::db;
using db::Dialect;

namespace {

using starling::test::programming_error_of;

std::string definition(const db::Column& column, Dialect dialect) { return db::column_definition(column, dialect); }

}  // namespace

TEST(Ddl, NotesTable) {
  db::MetaData metadata;
  const db::Table notes("notes", metadata,
                        {db::Column("id", db::Integer, db::primary_key), db::Column("text", db::String),
                         db::Column("completed", db::Boolean)});
  EXPECT_EQ(db::create_statements(metadata, Dialect::sqlite),
            std::vector<std::string>{"CREATE TABLE IF NOT EXISTS \"notes\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT, "
                                     "\"text\" VARCHAR, \"completed\" BOOLEAN CHECK (\"completed\" IN (0, 1)))"});
  EXPECT_EQ(db::create_statements(metadata, Dialect::postgresql),
            std::vector<std::string>{"CREATE TABLE IF NOT EXISTS \"notes\" (\"id\" SERIAL PRIMARY KEY, "
                                     "\"text\" VARCHAR, \"completed\" BOOLEAN)"});
  EXPECT_EQ(db::drop_statements(metadata, Dialect::sqlite), std::vector<std::string>{"DROP TABLE IF EXISTS \"notes\""});
}

TEST(Ddl, TypeMapping) {
  const std::vector<std::tuple<db::Type, std::string, std::string>> cases = {
      {db::Integer, "INTEGER", "INTEGER"},
      {db::BigInteger, "BIGINT", "BIGINT"},
      {db::String, "VARCHAR", "VARCHAR"},
      {db::String(200), "VARCHAR(200)", "VARCHAR(200)"},
      {db::Text, "TEXT", "TEXT"},
      {db::Boolean, "BOOLEAN", "BOOLEAN"},
      {db::Float, "REAL", "DOUBLE PRECISION"},
      {db::Numeric, "NUMERIC", "NUMERIC"},
      {db::Numeric(10, 2), "NUMERIC(10, 2)", "NUMERIC(10, 2)"},
      {db::DateTime, "DATETIME", "TIMESTAMP"},
      {db::Date, "DATE", "DATE"},
      {db::JSON, "JSON", "JSONB"},
      {db::LargeBinary, "BLOB", "BYTEA"},
  };
  for (const auto& [type, sqlite, postgresql] : cases) {
    EXPECT_EQ(db::sql_type(type, Dialect::sqlite), sqlite);
    EXPECT_EQ(db::sql_type(type, Dialect::postgresql), postgresql);
  }
  EXPECT_EQ(definition(db::Column("at", db::DateTime, db::not_null), Dialect::postgresql), "\"at\" TIMESTAMP NOT NULL");
}

TEST(Ddl, IntegerPrimaryKeys) {
  db::MetaData metadata;
  const db::Table big("big", metadata, {db::Column("id", db::BigInteger, db::primary_key)});
  const db::Table manual("manual", metadata,
                         {db::Column("id", db::Integer, db::primary_key, db::autoincrement(false))});
  // A BigInteger key must still be spelled INTEGER on SQLite to be the rowid.
  EXPECT_EQ(db::create_table_statement(big, Dialect::sqlite),
            "CREATE TABLE IF NOT EXISTS \"big\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT)");
  EXPECT_EQ(db::create_table_statement(big, Dialect::postgresql),
            "CREATE TABLE IF NOT EXISTS \"big\" (\"id\" BIGSERIAL PRIMARY KEY)");
  EXPECT_EQ(db::create_table_statement(manual, Dialect::sqlite),
            "CREATE TABLE IF NOT EXISTS \"manual\" (\"id\" INTEGER PRIMARY KEY NOT NULL)");
  EXPECT_EQ(db::create_table_statement(manual, Dialect::postgresql),
            "CREATE TABLE IF NOT EXISTS \"manual\" (\"id\" INTEGER PRIMARY KEY NOT NULL)");
}

TEST(Ddl, OtherPrimaryKeys) {
  db::MetaData metadata;
  const db::Table codes("codes", metadata, {db::Column("code", db::String(3), db::primary_key)});
  const db::Table pairs(
      "pairs", metadata,
      {db::Column("a", db::Integer, db::primary_key), db::Column("b", db::BigInteger, db::primary_key)});
  EXPECT_EQ(db::create_table_statement(codes, Dialect::sqlite),
            "CREATE TABLE IF NOT EXISTS \"codes\" (\"code\" VARCHAR(3) PRIMARY KEY NOT NULL)");
  EXPECT_EQ(db::create_table_statement(pairs, Dialect::sqlite),
            "CREATE TABLE IF NOT EXISTS \"pairs\" (\"a\" INTEGER NOT NULL, \"b\" BIGINT NOT NULL, PRIMARY KEY (\"a\", "
            "\"b\"))");
  EXPECT_EQ(db::create_table_statement(pairs, Dialect::postgresql),
            "CREATE TABLE IF NOT EXISTS \"pairs\" (\"a\" INTEGER NOT NULL, \"b\" BIGINT NOT NULL, PRIMARY KEY (\"a\", "
            "\"b\"))");
}

TEST(Ddl, Defaults) {
  const auto with_default = [](db::Type type, db::Value value, Dialect dialect) {
    return definition(db::Column("c", type, db::default_(std::move(value))), dialect);
  };
  EXPECT_EQ(with_default(db::Text, "it's", Dialect::sqlite), "\"c\" TEXT DEFAULT 'it''s'");
  EXPECT_EQ(with_default(db::Text, "a\\b", Dialect::postgresql), "\"c\" TEXT DEFAULT 'a\\b'");
  EXPECT_EQ(with_default(db::Integer, -7, Dialect::sqlite), "\"c\" INTEGER DEFAULT -7");
  EXPECT_EQ(with_default(db::Float, 0.5, Dialect::postgresql), "\"c\" DOUBLE PRECISION DEFAULT 0.5");
  EXPECT_EQ(with_default(db::Boolean, true, Dialect::sqlite), "\"c\" BOOLEAN DEFAULT 1 CHECK (\"c\" IN (0, 1))");
  EXPECT_EQ(with_default(db::Boolean, false, Dialect::postgresql), "\"c\" BOOLEAN DEFAULT FALSE");
  EXPECT_EQ(with_default(db::Text, nullptr, Dialect::sqlite), "\"c\" TEXT DEFAULT NULL");
  EXPECT_EQ(with_default(db::LargeBinary, db::Blob{0x0a, 0xff}, Dialect::sqlite), "\"c\" BLOB DEFAULT X'0aff'");
  EXPECT_EQ(with_default(db::LargeBinary, db::Blob{0x0a, 0xff}, Dialect::postgresql), "\"c\" BYTEA DEFAULT '\\x0aff'");
  EXPECT_EQ(with_default(db::JSON, db::JsonText{R"({"a":"b'c"})"}, Dialect::postgresql),
            "\"c\" JSONB DEFAULT '{\"a\":\"b''c\"}'");
  EXPECT_EQ(
      programming_error_of([&] { with_default(db::Float, std::numeric_limits<double>::quiet_NaN(), Dialect::sqlite); }),
      "a DEFAULT cannot be NaN or infinite");
}

TEST(Ddl, UniqueAndIndexes) {
  db::MetaData metadata;
  const db::Table users(
      "users", metadata,
      {db::Column("id", db::Integer, db::primary_key), db::Column("email", db::String(100), db::unique, db::not_null),
       db::Column("name", db::String, db::index), db::Column("login", db::String, db::unique, db::index)});
  EXPECT_EQ(
      db::create_statements(metadata, Dialect::postgresql),
      (std::vector<std::string>{
          "CREATE TABLE IF NOT EXISTS \"users\" (\"id\" SERIAL PRIMARY KEY, \"email\" VARCHAR(100) NOT NULL UNIQUE, "
          "\"name\" VARCHAR, \"login\" VARCHAR)",
          "CREATE INDEX IF NOT EXISTS \"ix_users_name\" ON \"users\" (\"name\")",
          "CREATE UNIQUE INDEX IF NOT EXISTS \"ix_users_login\" ON \"users\" (\"login\")",
      }));
}

TEST(Ddl, ForeignKeysInDependencyOrder) {
  db::MetaData metadata;
  const db::Table notes(
      "notes", metadata,
      {db::Column("id", db::Integer, db::primary_key),
       db::Column("user_id", db::Integer, db::not_null, db::foreign_key("users.id").on_delete("CASCADE"))});
  const db::Table users("users", metadata, {db::Column("id", db::Integer, db::primary_key)});
  EXPECT_EQ(db::create_statements(metadata, Dialect::sqlite),
            (std::vector<std::string>{
                "CREATE TABLE IF NOT EXISTS \"users\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT)",
                "CREATE TABLE IF NOT EXISTS \"notes\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT, \"user_id\" INTEGER "
                "NOT NULL "
                "REFERENCES \"users\" (\"id\") ON DELETE CASCADE)",
            }));
  EXPECT_EQ(db::drop_statements(metadata, Dialect::postgresql),
            (std::vector<std::string>{"DROP TABLE IF EXISTS \"notes\"", "DROP TABLE IF EXISTS \"users\""}));
}

TEST(Ddl, ForeignKeyTargetsMustExist) {
  db::MetaData no_table;
  const db::Table a("a", no_table, {db::Column("user_id", db::Integer, db::foreign_key("users.id"))});
  EXPECT_EQ(programming_error_of([&] { db::create_statements(no_table, Dialect::sqlite); }),
            "column \"a\".\"user_id\" references \"users\".\"id\", but the metadata has no such table");
  db::MetaData no_column;
  const db::Table users("users", no_column, {db::Column("id", db::Integer, db::primary_key)});
  const db::Table b("b", no_column, {db::Column("user_id", db::Integer, db::foreign_key("users.uid"))});
  EXPECT_EQ(programming_error_of([&] { db::create_statements(no_column, Dialect::sqlite); }),
            "column \"b\".\"user_id\" references \"users\".\"uid\", but there is no such column");
}

TEST(Ddl, QuotesWeirdIdentifiers) {
  EXPECT_EQ(db::quote_identifier("we\"ird"), "\"we\"\"ird\"");
  db::MetaData metadata;
  const db::Table weird("we\"ird", metadata, {db::Column("co\"l", db::Boolean, db::index)});
  EXPECT_EQ(db::create_statements(metadata, Dialect::sqlite),
            (std::vector<std::string>{
                "CREATE TABLE IF NOT EXISTS \"we\"\"ird\" (\"co\"\"l\" BOOLEAN CHECK (\"co\"\"l\" IN (0, 1)))",
                "CREATE INDEX IF NOT EXISTS \"ix_we\"\"ird_co\"\"l\" ON \"we\"\"ird\" (\"co\"\"l\")",
            }));
  EXPECT_EQ(db::drop_statements(metadata, Dialect::sqlite),
            std::vector<std::string>{"DROP TABLE IF EXISTS \"we\"\"ird\""});
}

TEST(Ddl, DefaultExpressions) {
  EXPECT_EQ(definition(db::Column("at", db::DateTime, db::server_default_now), Dialect::sqlite),
            "\"at\" DATETIME DEFAULT CURRENT_TIMESTAMP");
  EXPECT_EQ(definition(db::Column("day", db::Date, db::default_sql("date('now')")), Dialect::sqlite),
            "\"day\" DATE DEFAULT (date('now'))");
  // The last option wins: a constant and an expression cannot both be the DEFAULT.
  const db::Column both("n", db::Integer, db::default_sql("1 + 1"), db::default_(3));
  EXPECT_EQ(both.default_sql(), std::nullopt);
  EXPECT_EQ(definition(both, Dialect::postgresql), "\"n\" INTEGER DEFAULT 3");
  EXPECT_EQ(db::default_expression("'it''s'"), "'it''s'");
  EXPECT_EQ(db::default_expression("'a' || 'b'"), "('a' || 'b')");
  EXPECT_EQ(db::default_expression("-1.5"), "-1.5");
  EXPECT_EQ(db::default_expression("(1)"), "(1)");
  EXPECT_EQ(db::default_expression("(1) + (2)"), "((1) + (2))");
  EXPECT_EQ(db::default_expression("now()"), "(now())");
}

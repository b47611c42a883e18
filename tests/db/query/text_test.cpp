// text() queries: :name parameters bound and numbered per dialect, literals, comments and casts skipped,
// unbound or unused names reported, read_only and RETURNING detection, compile_many, the parse cache.
#include <starling/db/text.hpp>

#include <gtest/gtest.h>

#include "support/error_message.hpp"

namespace db = starling::db;
using db::Dialect;
using Params = std::vector<db::Value>;

namespace {

using starling::test::programming_error_of;

std::string sqlite_sql(const std::string& sql) { return db::text(sql).compile(Dialect::sqlite).sql; }

}  // namespace

TEST(Text, BindsNamedParameters) {
  const auto query = db::text("SELECT * FROM notes WHERE id = :id AND text = :text").bind("id", 3).bind("text", "x");
  const auto sqlite = query.compile(Dialect::sqlite);
  EXPECT_EQ(sqlite.sql, "SELECT * FROM notes WHERE id = ? AND text = ?");
  EXPECT_EQ(sqlite.params, (Params{3, "x"}));
  EXPECT_TRUE(sqlite.read_only);
  EXPECT_FALSE(sqlite.returns_id);
  const auto postgresql = query.compile(Dialect::postgresql);
  EXPECT_EQ(postgresql.sql, "SELECT * FROM notes WHERE id = $1 AND text = $2");
  EXPECT_EQ(postgresql.params, (Params{3, "x"}));
}

TEST(Text, OrderFollowsTheSqlNotTheBinding) {
  const auto query = db::text("UPDATE t SET a = :a WHERE b = :b").bind({{"b", 2}, {"a", 1}});
  EXPECT_EQ(query.compile(Dialect::postgresql).params, (Params{1, 2}));
  EXPECT_FALSE(query.compile(Dialect::postgresql).read_only);
}

TEST(Text, ANameUsedTwice) {
  const auto query = db::text("SELECT :x, :y, :x").bind({{"x", 1}, {"y", 2}});
  const auto sqlite = query.compile(Dialect::sqlite);
  EXPECT_EQ(sqlite.sql, "SELECT ?, ?, ?");
  EXPECT_EQ(sqlite.params, (Params{1, 2, 1}));
  const auto postgresql = query.compile(Dialect::postgresql);
  EXPECT_EQ(postgresql.sql, "SELECT $1, $2, $1");
  EXPECT_EQ(postgresql.params, (Params{1, 2}));
}

TEST(Text, BindingAgainReplaces) {
  EXPECT_EQ(db::text("SELECT :a").bind("a", 1).bind("a", 2).compile(Dialect::sqlite).params, Params{2});
  EXPECT_EQ(db::text("SELECT :a, :b").bind({{"a", 1}, {"b", 2}}).bind({{"a", 3}}).compile(Dialect::sqlite).params,
            (Params{3, 2}));
}

TEST(Text, BindingAKeptQueryLeavesItAsItWas) {
  const auto base = db::text("SELECT :a, :b").bind("a", 1).bind("b", 2);
  const auto changed = base.bind("a", 3);
  const auto changed_too = base.bind({{"b", 4}});
  EXPECT_EQ(base.compile(Dialect::sqlite).params, (Params{1, 2}));
  EXPECT_EQ(changed.compile(Dialect::sqlite).params, (Params{3, 2}));
  EXPECT_EQ(changed_too.compile(Dialect::sqlite).params, (Params{1, 4}));
  EXPECT_EQ(changed.sql(), base.sql());
}

TEST(Text, SkipsLiteralsIdentifiersAndComments) {
  EXPECT_EQ(sqlite_sql("SELECT ':no', 'it''s :no', \":no\" FROM t"), "SELECT ':no', 'it''s :no', \":no\" FROM t");
  EXPECT_EQ(sqlite_sql("SELECT 1 -- :no\n, 2 /* :no\n :no */"), "SELECT 1 -- :no\n, 2 /* :no\n :no */");
  EXPECT_EQ(sqlite_sql("SELECT E'\\':no', $$ :no $$, $body$ ':no $body$"),
            "SELECT E'\\':no', $$ :no $$, $body$ ':no $body$");
  EXPECT_EQ(db::text("SELECT 'a' || :x || 'b'").bind("x", 1).compile(Dialect::sqlite).sql, "SELECT 'a' || ? || 'b'");
}

TEST(Text, SkipsCastsAndEscapedColons) {
  const auto query = db::text("SELECT :id::int, now()::text, a[1\\:2] FROM t").bind("id", 1);
  EXPECT_EQ(query.compile(Dialect::postgresql).sql, "SELECT $1::int, now()::text, a[1:2] FROM t");
  EXPECT_EQ(sqlite_sql("SELECT a[1:2]"), "SELECT a[1:2]");  // `:2` is not a name
}

TEST(Text, PositionalPlaceholdersPassThrough) {
  EXPECT_EQ(db::text("SELECT $1, x$y").compile(Dialect::postgresql).sql, "SELECT $1, x$y");
}

TEST(Text, UnboundParameterIsNamed) {
  EXPECT_EQ(programming_error_of([] { db::text("SELECT * FROM notes WHERE id = :id").compile(Dialect::sqlite); }),
            "text query: no value bound for parameter \"id\": SELECT * FROM notes WHERE id = :id");
}

TEST(Text, UnusedBindingIsNamed) {
  EXPECT_EQ(
      programming_error_of([] {
        db::text("SELECT * FROM notes WHERE id = :id").bind({{"id", 1}, {"idd", 2}}).compile(Dialect::postgresql);
      }),
      "text query: parameter \"idd\" is bound but the SQL has no :idd placeholder: SELECT * FROM notes WHERE id = :id");
}

TEST(Text, ReadOnlyIsSelectOrValues) {
  const auto read_only = [](const std::string& sql) { return db::text(sql).compile(Dialect::sqlite).read_only; };
  EXPECT_TRUE(read_only("select 1"));
  EXPECT_TRUE(read_only("  \n-- a comment\n/* another */ (SELECT 1)"));
  EXPECT_TRUE(read_only("VALUES (1), (2)"));
  EXPECT_FALSE(read_only("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x"));
  EXPECT_FALSE(read_only("INSERT INTO t VALUES (1)"));
  EXPECT_FALSE(read_only("SELECTED"));
  EXPECT_FALSE(read_only(""));
}

TEST(Text, ReturningIsAClauseNotAWordInALiteralOrAName) {
  const auto returning = [](const std::string& sql) { return db::text(sql).compile(Dialect::postgresql).returning; };
  EXPECT_TRUE(returning("insert into t (a) values (1) returning id"));
  EXPECT_TRUE(returning("UPDATE t SET a = 1 RETURNING\nid"));
  EXPECT_FALSE(returning("UPDATE t SET a = 'returning' -- returning id\n"));
  EXPECT_FALSE(returning("UPDATE t SET \"returning\" = 1 /* RETURNING */"));
  EXPECT_FALSE(returning("SELECT returning_total, total_returning FROM t"));
}

TEST(Text, CompileManyBindsEachRow) {
  const auto query = db::text("INSERT INTO t (a, b) VALUES (:a, :b)").bind("b", 0);
  const auto compiled = query.compile_many(Dialect::postgresql, {{{"a", 1}}, {{"a", 2}, {"b", 5}}});
  ASSERT_EQ(compiled.size(), 2u);
  EXPECT_EQ(compiled[0].sql, "INSERT INTO t (a, b) VALUES ($1, $2)");
  EXPECT_EQ(compiled[0].params, (Params{1, 0}));
  EXPECT_EQ(compiled[1].params, (Params{2, 5}));
  EXPECT_EQ(
      programming_error_of([&] {
        query.compile_many(Dialect::sqlite, {{{"c", 1}}});
      }),
      "text query: parameter \"c\" is bound but the SQL has no :c placeholder: INSERT INTO t (a, b) VALUES (:a, :b)");
}

// The parsed SQL is cached per thread; the values never are.
TEST(Text, TheSameSqlCompiledAgainTakesItsOwnValues) {
  const std::string sql = "SELECT * FROM notes WHERE id = :id OR parent = :id";
  for (int id = 1; id <= 3; ++id) {
    const auto compiled = db::text(sql).bind("id", id).compile(Dialect::postgresql);
    EXPECT_EQ(compiled.sql, "SELECT * FROM notes WHERE id = $1 OR parent = $1");
    EXPECT_EQ(compiled.params, Params{id});
  }
  EXPECT_EQ(programming_error_of([&] { db::text(sql).compile(Dialect::sqlite); }),
            "text query: no value bound for parameter \"id\": " + sql);
}

TEST(Text, MoreDistinctStatementsThanTheCacheHoldsEachCompileToTheirOwnSql) {
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 600; ++i) {
      const auto compiled =
          db::text("SELECT :v" + std::to_string(i)).bind("v" + std::to_string(i), i).compile(Dialect::sqlite);
      ASSERT_EQ(compiled.sql, "SELECT ?");
      ASSERT_EQ(compiled.params, Params{i});
    }
  }
}

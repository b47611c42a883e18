// The query builder's SQL and parameters for SQLite and PostgreSQL, without a database: SELECT, count, INSERT
// (RETURNING, multi-row batches under the parameter limits), UPDATE, DELETE, and misuse named in errors.
#include <starling/db/query.hpp>

#include <starling/db/schema.hpp>

#include <gtest/gtest.h>

#include "support/error_message.hpp"

namespace db = starling::db;
using db::Dialect;
using Params = std::vector<db::Value>;

namespace {

using starling::test::programming_error_of;

class Queries : public ::testing::Test {
 protected:
  db::MetaData metadata_;
  db::Table notes_{"notes",
                   metadata_,
                   {db::Column("id", db::Integer, db::primary_key), db::Column("text", db::String),
                    db::Column("completed", db::Boolean)}};
  db::Table users_{"users", metadata_, {db::Column("id", db::Integer, db::primary_key), db::Column("name", db::Text)}};
  db::Table log_{"log", metadata_, {db::Column("line", db::Text)}};  // no primary key
  db::Table keyed_{"keyed", metadata_, {db::Column("code", db::String(3), db::primary_key)}};
};

}  // namespace

TEST_F(Queries, SelectAll) {
  const auto sqlite = notes_.select().compile(Dialect::sqlite);
  EXPECT_EQ(sqlite.sql, "SELECT \"id\", \"text\", \"completed\" FROM \"notes\"");
  EXPECT_TRUE(sqlite.params.empty());
  EXPECT_TRUE(sqlite.read_only);
  EXPECT_FALSE(sqlite.returns_id);
  EXPECT_EQ(notes_.select().compile(Dialect::postgresql).sql, sqlite.sql);
}

TEST_F(Queries, SelectColumnsWhereOrderLimitOffset) {
  const auto query = db::select({notes_.c("id"), notes_.c("text")})
                         .where(notes_.c("completed") == false)
                         .where(notes_.c("text").like("a%"))
                         .order_by(notes_.c("text"), notes_.c("id").desc())
                         .limit(10)
                         .offset(20);
  const auto sqlite = query.compile(Dialect::sqlite);
  EXPECT_EQ(sqlite.sql,
            "SELECT \"id\", \"text\" FROM \"notes\" WHERE \"completed\" = ? AND \"text\" LIKE ? "
            "ORDER BY \"text\", \"id\" DESC LIMIT ? OFFSET ?");
  EXPECT_EQ(sqlite.params, (Params{false, "a%", 10, 20}));
  const auto postgresql = query.compile(Dialect::postgresql);
  EXPECT_EQ(postgresql.sql,
            "SELECT \"id\", \"text\" FROM \"notes\" WHERE \"completed\" = $1 AND \"text\" LIKE $2 "
            "ORDER BY \"text\", \"id\" DESC LIMIT $3 OFFSET $4");
  EXPECT_EQ(postgresql.params, sqlite.params);
}

TEST_F(Queries, OrderByAccumulatesAndTakesLists) {
  const auto query = notes_.select().order_by(notes_.c("id").asc()).order_by({notes_.c("text").desc()});
  EXPECT_EQ(query.compile(Dialect::sqlite).sql,
            "SELECT \"id\", \"text\", \"completed\" FROM \"notes\" ORDER BY \"id\", \"text\" DESC");
}

TEST_F(Queries, OffsetWithoutLimit) {
  const auto query = notes_.select().offset(5);
  EXPECT_EQ(query.compile(Dialect::sqlite).sql,
            "SELECT \"id\", \"text\", \"completed\" FROM \"notes\" LIMIT -1 OFFSET ?");
  EXPECT_EQ(query.compile(Dialect::postgresql).sql, "SELECT \"id\", \"text\", \"completed\" FROM \"notes\" OFFSET $1");
  EXPECT_EQ(query.compile(Dialect::postgresql).params, Params{5});
  EXPECT_EQ(programming_error_of([&] { (void)notes_.select().limit(-1); }), "LIMIT must not be negative (got -1)");
  EXPECT_EQ(programming_error_of([&] { (void)notes_.select().offset(-2); }), "OFFSET must not be negative (got -2)");
}

TEST_F(Queries, CountDropsColumnsAndOrder) {
  const auto query = notes_.select().where(notes_.c("completed") == true).order_by(notes_.c("id")).count();
  const auto compiled = query.compile(Dialect::postgresql);
  EXPECT_EQ(compiled.sql, "SELECT count(*) FROM \"notes\" WHERE \"completed\" = $1");
  EXPECT_EQ(compiled.params, Params{true});
  EXPECT_TRUE(compiled.read_only);
  EXPECT_EQ(db::select({}).select_from(notes_).count().compile(Dialect::sqlite).sql, "SELECT count(*) FROM \"notes\"");
}

TEST_F(Queries, SelectFrom) {
  EXPECT_EQ(db::select({}).select_from(users_).compile(Dialect::sqlite).sql, "SELECT \"id\", \"name\" FROM \"users\"");
  EXPECT_EQ(programming_error_of([] { db::select({}).compile(Dialect::sqlite); }),
            "SELECT has no columns: list them or call select_from()");
}

TEST_F(Queries, SeveralTablesAreQualified) {
  const auto query = db::select({notes_.c("text"), users_.c("name")}).where(notes_.c("id") == users_.c("id"));
  EXPECT_EQ(query.compile(Dialect::sqlite).sql,
            "SELECT \"notes\".\"text\", \"users\".\"name\" FROM \"notes\", \"users\" WHERE \"notes\".\"id\" = "
            "\"users\".\"id\"");
}

TEST_F(Queries, TwoTablesWithOneNameAreAnError) {
  db::MetaData other;
  const db::Table notes2("notes", other, {db::Column("id", db::Integer)});
  EXPECT_EQ(programming_error_of([&] {
              db::select({notes_.c("id"), notes2.c("id")}).compile(Dialect::sqlite);
            }),
            "SELECT uses two different tables named \"notes\"");
}

TEST_F(Queries, BuildersAreImmutable) {
  const auto base = notes_.select();
  const auto narrowed = base.where(notes_.c("id") == 1);
  EXPECT_EQ(base.compile(Dialect::sqlite).sql, "SELECT \"id\", \"text\", \"completed\" FROM \"notes\"");
  EXPECT_EQ(narrowed.compile(Dialect::sqlite).sql,
            "SELECT \"id\", \"text\", \"completed\" FROM \"notes\" WHERE \"id\" = ?");
}

TEST_F(Queries, Insert) {
  const auto query = notes_.insert().values({{"text", "buy milk"}, {"completed", false}});
  const auto sqlite = query.compile(Dialect::sqlite);
  EXPECT_EQ(sqlite.sql, "INSERT INTO \"notes\" (\"text\", \"completed\") VALUES (?, ?)");
  EXPECT_EQ(sqlite.params, (Params{"buy milk", false}));
  EXPECT_FALSE(sqlite.read_only);
  EXPECT_FALSE(sqlite.returns_id);  // the runtime reads last_insert_rowid
  const auto postgresql = query.compile(Dialect::postgresql);
  EXPECT_EQ(postgresql.sql, "INSERT INTO \"notes\" (\"text\", \"completed\") VALUES ($1, $2) RETURNING \"id\"");
  EXPECT_TRUE(postgresql.returns_id);
}

TEST_F(Queries, InsertReturnsOnlyAnIntegerKey) {
  const auto log = log_.insert().values({{"line", "x"}}).compile(Dialect::postgresql);
  EXPECT_EQ(log.sql, "INSERT INTO \"log\" (\"line\") VALUES ($1)");
  EXPECT_FALSE(log.returns_id);
  EXPECT_FALSE(keyed_.insert().values({{"code", "abc"}}).compile(Dialect::postgresql).returns_id);
}

TEST_F(Queries, InsertDefaultValues) {
  EXPECT_EQ(notes_.insert().compile(Dialect::sqlite).sql, "INSERT INTO \"notes\" DEFAULT VALUES");
  EXPECT_EQ(notes_.insert().compile(Dialect::postgresql).sql, "INSERT INTO \"notes\" DEFAULT VALUES RETURNING \"id\"");
}

TEST_F(Queries, InsertValuesMergeAndAreChecked) {
  const auto query = notes_.insert().values({{"text", "a"}}).values({{"completed", true}, {"text", "b"}});
  EXPECT_EQ(query.compile(Dialect::sqlite).params, (Params{"b", true}));
  EXPECT_EQ(programming_error_of([&] {
              (void)notes_.insert().values({{"txt", "a"}});
            }),
            "table \"notes\" has no column \"txt\" (columns: id, text, completed)");
  EXPECT_EQ(programming_error_of([&] {
              (void)notes_.insert().values({{"text", "a"}, {"text", "b"}});
            }),
            "column \"text\" of table \"notes\" is given twice");
}

TEST_F(Queries, InsertManyIsMultiRow) {
  const std::vector<db::Values> rows = {{{"text", "a"}, {"completed", false}}, {{"completed", true}, {"text", "b"}}};
  const auto sqlite = notes_.insert().compile_many(Dialect::sqlite, rows);
  ASSERT_EQ(sqlite.size(), 1u);
  EXPECT_EQ(sqlite[0].sql, "INSERT INTO \"notes\" (\"text\", \"completed\") VALUES (?, ?), (?, ?)");
  EXPECT_EQ(sqlite[0].params, (Params{"a", false, "b", true}));  // in the first row's column order
  const auto postgresql = notes_.insert().compile_many(Dialect::postgresql, rows);
  ASSERT_EQ(postgresql.size(), 1u);
  EXPECT_EQ(postgresql[0].sql, "INSERT INTO \"notes\" (\"text\", \"completed\") VALUES ($1, $2), ($3, $4)");
  EXPECT_FALSE(postgresql[0].returns_id);
  EXPECT_TRUE(notes_.insert().compile_many(Dialect::sqlite, {}).empty());
}

TEST_F(Queries, InsertManyMergesTheInsertsValues) {
  const auto compiled =
      notes_.insert().values({{"completed", false}}).compile_many(Dialect::sqlite, {{{"text", "a"}}, {{"text", "b"}}});
  ASSERT_EQ(compiled.size(), 1u);
  EXPECT_EQ(compiled[0].sql, "INSERT INTO \"notes\" (\"completed\", \"text\") VALUES (?, ?), (?, ?)");
  EXPECT_EQ(compiled[0].params, (Params{false, "a", false, "b"}));
}

TEST_F(Queries, InsertManyRowsMustMatch) {
  EXPECT_EQ(programming_error_of([&] {
              notes_.insert().compile_many(Dialect::sqlite, {{{"text", "a"}, {"completed", true}}, {{"text", "b"}}});
            }),
            "execute_many on table \"notes\": row 1 has no value for column \"completed\", which row 0 sets "
            "(every row of a multi-row insert sets the same columns)");
  EXPECT_EQ(programming_error_of([&] {
              notes_.insert().compile_many(Dialect::sqlite, {{{"text", "a"}}, {{"text", "b"}, {"completed", true}}});
            }),
            "execute_many on table \"notes\": row 1 sets column \"completed\", which row 0 does not "
            "(every row of a multi-row insert sets the same columns)");
  EXPECT_EQ(programming_error_of([&] {
              notes_.insert().compile_many(Dialect::sqlite, {{{"txt", "a"}}});
            }),
            "table \"notes\" has no column \"txt\" (columns: id, text, completed)");
}

TEST_F(Queries, InsertManyBatchesAtAThousandRows) {
  std::vector<db::Values> rows(1001, db::Values{{"text", "x"}, {"completed", false}});
  const auto batches = notes_.insert().compile_many(Dialect::postgresql, rows);
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].params.size(), 2000u);
  EXPECT_EQ(batches[1].sql, "INSERT INTO \"notes\" (\"text\", \"completed\") VALUES ($1, $2)");
  rows.pop_back();
  EXPECT_EQ(notes_.insert().compile_many(Dialect::sqlite, rows).size(), 1u);
}

TEST_F(Queries, InsertManyStaysUnderTheParameterLimit) {
  std::vector<db::Column> columns;
  db::Values row;
  for (int i = 0; i < 40; ++i) {
    columns.emplace_back("c" + std::to_string(i), db::Integer);
    row.emplace_back("c" + std::to_string(i), i);
  }
  const db::Table wide("wide", metadata_, columns);
  const std::vector<db::Values> rows(1000, row);
  const auto sqlite = wide.insert().compile_many(Dialect::sqlite, rows);
  ASSERT_EQ(sqlite.size(), 2u);  // 32766 / 40 = 819 rows per statement
  EXPECT_EQ(sqlite[0].params.size(), 819u * 40);
  EXPECT_EQ(sqlite[1].params.size(), 181u * 40);
  const auto postgresql = wide.insert().compile_many(Dialect::postgresql, rows);
  ASSERT_EQ(postgresql.size(), 1u);  // 65535 / 40 = 1638, capped at 1000
  EXPECT_NE(postgresql[0].sql.find("($39961, "), std::string::npos);
}

TEST_F(Queries, InsertManyDefaultValuesIsOneStatementPerRow) {
  const auto compiled = notes_.insert().compile_many(Dialect::postgresql, {{}, {}});
  ASSERT_EQ(compiled.size(), 2u);
  EXPECT_EQ(compiled[1].sql, "INSERT INTO \"notes\" DEFAULT VALUES");
  EXPECT_FALSE(compiled[1].returns_id);
}

TEST_F(Queries, Update) {
  const auto query = notes_.update().where(notes_.c("id") == 3).values({{"text", "x"}, {"completed", true}});
  const auto sqlite = query.compile(Dialect::sqlite);
  EXPECT_EQ(sqlite.sql, "UPDATE \"notes\" SET \"text\" = ?, \"completed\" = ? WHERE \"id\" = ?");
  EXPECT_EQ(sqlite.params, (Params{"x", true, 3}));
  EXPECT_FALSE(sqlite.read_only);
  EXPECT_EQ(query.compile(Dialect::postgresql).sql,
            "UPDATE \"notes\" SET \"text\" = $1, \"completed\" = $2 WHERE \"id\" = $3");
  EXPECT_EQ(notes_.update().values({{"completed", false}}).compile(Dialect::sqlite).sql,
            "UPDATE \"notes\" SET \"completed\" = ?");
}

TEST_F(Queries, UpdateErrors) {
  EXPECT_EQ(programming_error_of([&] { notes_.update().where(notes_.c("id") == 1).compile(Dialect::sqlite); }),
            "UPDATE \"notes\" has no values to set: call values()");
  EXPECT_EQ(programming_error_of([&] {
              (void)notes_.update().values({{"nope", 1}});
            }),
            "table \"notes\" has no column \"nope\" (columns: id, text, completed)");
  EXPECT_EQ(programming_error_of([&] { (void)notes_.update().where(users_.c("id") == 1); }),
            "UPDATE \"notes\": the WHERE uses a column of table \"users\"; only the table's own columns can be used");
}

TEST_F(Queries, UpdateManyIsOneStatementPerRow) {
  const auto compiled = notes_.update()
                            .where(notes_.c("completed") == false)
                            .compile_many(Dialect::postgresql, {{{"text", "a"}}, {{"text", "b"}}});
  ASSERT_EQ(compiled.size(), 2u);
  EXPECT_EQ(compiled[1].sql, "UPDATE \"notes\" SET \"text\" = $1 WHERE \"completed\" = $2");
  EXPECT_EQ(compiled[1].params, (Params{"b", false}));
}

TEST_F(Queries, Delete) {
  const auto query = notes_.delete_().where(notes_.c("id").in_({1, 2}));
  EXPECT_EQ(query.compile(Dialect::sqlite).sql, "DELETE FROM \"notes\" WHERE \"id\" IN (?, ?)");
  EXPECT_EQ(query.compile(Dialect::postgresql).sql, "DELETE FROM \"notes\" WHERE \"id\" IN ($1, $2)");
  EXPECT_EQ(query.compile(Dialect::postgresql).params, (Params{1, 2}));
  EXPECT_EQ(notes_.delete_().compile(Dialect::sqlite).sql, "DELETE FROM \"notes\"");
  EXPECT_EQ(
      programming_error_of([&] { (void)notes_.delete_().where(users_.c("id") == 1); }),
      "DELETE FROM \"notes\": the WHERE uses a column of table \"users\"; only the table's own columns can be used");
}

TEST_F(Queries, StatementsWithoutPerRowValuesRefuseExecuteMany) {
  EXPECT_EQ(programming_error_of([&] {
              notes_.delete_().compile_many(Dialect::sqlite, {{{"id", 1}}});
            }),
            "execute_many: this statement takes no per-row values: DELETE FROM \"notes\"");
  const db::Statement& select = notes_.select();
  EXPECT_NE(programming_error_of([&] { select.compile_many(Dialect::sqlite, {{}}); }).find("takes no per-row values"),
            std::string::npos);
}

TEST_F(Queries, QuotesWeirdIdentifiers) {
  db::MetaData metadata;
  const db::Table weird("we\"ird", metadata, {db::Column("i\"d", db::Integer, db::primary_key)});
  EXPECT_EQ(weird.select().where(weird.c("i\"d") == 1).compile(Dialect::sqlite).sql,
            "SELECT \"i\"\"d\" FROM \"we\"\"ird\" WHERE \"i\"\"d\" = ?");
  EXPECT_EQ(weird.insert().values({{"i\"d", 1}}).compile(Dialect::postgresql).sql,
            "INSERT INTO \"we\"\"ird\" (\"i\"\"d\") VALUES ($1) RETURNING \"i\"\"d\"");
}

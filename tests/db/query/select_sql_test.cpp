// The SQL and parameters of the query layer's larger constructs, for SQLite and
// PostgreSQL, without a database: joins (explicit, inferred, outer, aliased),
// grouping, aggregates and functions, subqueries (IN, EXISTS, derived, scalar)
// with correlation, CASE, LIKE/ILIKE, BETWEEN, IN lists, UNION, NULLS
// FIRST/LAST, labels, typed free-standing parameters, count() of shaped
// queries, RETURNING, upserts, INSERT ... SELECT and multi-row VALUES.
// select_rows_test.cpp runs the same constructs on real databases.
#include <starling/db/query.hpp>

#include <starling/db/schema.hpp>

#include <gtest/gtest.h>

#include <optional>

#include "support/error_message.hpp"

namespace db = starling::db;
using db::Dialect;
using Params = std::vector<db::Value>;

namespace {

using starling::test::programming_error_of;

class SelectSql : public ::testing::Test {
 protected:
  static std::string sqlite(const db::Statement& query) { return query.compile(Dialect::sqlite).sql; }
  static std::pair<std::string, Params> postgres(const db::Statement& query) {
    auto compiled = query.compile(Dialect::postgresql);
    return {compiled.sql, compiled.params};
  }
  // The query's SQL on SQLite, and on PostgreSQL the same with $1, $2... for
  // its placeholders: for a query in which the dialects differ in nothing else.
  // `params`, when given, are what PostgreSQL gets bound.
  static void expect_sql(const db::Statement& query, const std::string& sqlite_sql,
                         const std::optional<Params>& params = std::nullopt) {
    EXPECT_EQ(sqlite(query), sqlite_sql);
    std::string numbered;
    int placeholder = 0;
    for (const char c : sqlite_sql) numbered += c == '?' ? "$" + std::to_string(++placeholder) : std::string(1, c);
    const auto [sql, bound] = postgres(query);
    EXPECT_EQ(sql, numbered);
    if (params) {
      EXPECT_EQ(bound, *params);
    }
  }

  db::MetaData metadata_;
  db::Table users_{"users",
                   metadata_,
                   {db::Column("id", db::Integer, db::primary_key), db::Column("email", db::String(100), db::unique),
                    db::Column("name", db::Text)}};
  db::Table notes_{"notes",
                   metadata_,
                   {db::Column("id", db::Integer, db::primary_key), db::Column("text", db::String),
                    db::Column("completed", db::Boolean), db::Column("rank", db::Integer),
                    db::Column("owner", db::Integer, db::foreign_key("users.id")),
                    db::Column("parent", db::Integer, db::foreign_key("notes.id"))}};
  db::Table tags_{"tags", metadata_, {db::Column("name", db::Text)}};
  db::ColumnRef text_ = notes_.c("text");
  db::ColumnRef rank_ = notes_.c("rank");
  db::ColumnRef owner_ = notes_.c("owner");
};

}  // namespace

TEST_F(SelectSql, JoinsWithAnOnConditionOrTheForeignKey) {
  const auto base = db::select({text_, users_.c("email")}).select_from(notes_);
  const std::string expected =
      "SELECT \"notes\".\"text\", \"users\".\"email\" FROM \"notes\" JOIN \"users\" ON \"notes\".\"owner\" = "
      "\"users\".\"id\"";
  expect_sql(base.join(users_, owner_ == users_.c("id")), expected);
  expect_sql(base.join(users_), expected);  // inferred from notes.owner → users.id
  expect_sql(db::select({users_.c("email"), db::count(notes_.c("id")).label("notes")})
                 .select_from(users_)
                 .outerjoin(notes_)
                 .group_by(users_.c("email"))
                 .order_by(users_.c("email")),
             "SELECT \"users\".\"email\", count(\"notes\".\"id\") AS \"notes\" FROM \"users\" LEFT OUTER JOIN "
             "\"notes\" ON \"notes\".\"owner\" = \"users\".\"id\" GROUP BY \"users\".\"email\" ORDER BY "
             "\"users\".\"email\"");
  EXPECT_EQ(programming_error_of([&] { sqlite(users_.select().join(tags_)); }),
            "join() to \"tags\" without an ON condition: no foreign key links it to the tables before it; give "
            "one: join(table, condition)");
}

TEST_F(SelectSql, AnAliasMakesASelfJoin) {
  const auto parent = notes_.alias("parent");
  expect_sql(
      db::select({text_, parent.c("text").label("parent_text")}).join(parent, notes_.c("parent") == parent.c("id")),
      "SELECT \"notes\".\"text\", \"parent\".\"text\" AS \"parent_text\" FROM \"notes\" JOIN \"notes\" AS "
      "\"parent\" ON \"notes\".\"parent\" = \"parent\".\"id\"");
  EXPECT_EQ(programming_error_of([&] { sqlite(notes_.select().join(parent)); }),
            "join() to \"parent\" without an ON condition: a self-join needs one: join(table, condition)");
  expect_sql(parent.select().where(parent.c("id") == 1),
             "SELECT \"id\", \"text\", \"completed\", \"rank\", \"owner\", \"parent\" FROM \"notes\" AS \"parent\" "
             "WHERE \"id\" = ?");
  EXPECT_EQ(programming_error_of([&] { (void)db::Insert(parent); }),
            "INSERT into alias \"parent\": insert into table \"notes\" itself");
  EXPECT_EQ(programming_error_of([&] {
              sqlite(db::select({notes_.c("id"), users_.alias("notes").c("id")}));
            }),
            "SELECT uses two sources named \"notes\": alias() one of them");
}

TEST_F(SelectSql, GroupByHavingAggregatesAndFunctions) {
  expect_sql(db::select({owner_, db::count().label("n")}).group_by(owner_).having(db::count() > 1),
             "SELECT \"owner\", count(*) AS \"n\" FROM \"notes\" GROUP BY \"owner\" HAVING "
             "count(*) > ?",
             Params{1});
  EXPECT_EQ(
      sqlite(db::select({db::sum(rank_), db::min(rank_), db::max(rank_), db::avg(rank_), db::count_distinct(owner_)})),
      "SELECT sum(\"rank\"), min(\"rank\"), max(\"rank\"), avg(\"rank\"), count(DISTINCT \"owner\") FROM "
      "\"notes\"");
  expect_sql(notes_.select().where(db::func("lower", {text_}) == "x"),
             "SELECT \"id\", \"text\", \"completed\", \"rank\", \"owner\", \"parent\" FROM \"notes\" WHERE "
             "lower(\"text\") = ?");
  // A bound value standing alone is cast on PostgreSQL, which gets no types with the parameters.
  EXPECT_EQ(
      postgres(db::select({db::func("coalesce", {rank_, 0}).label("rank")})),
      std::pair(std::string("SELECT coalesce(\"rank\", CAST($1 AS BIGINT)) AS \"rank\" FROM \"notes\""), Params{0}));
  EXPECT_EQ(programming_error_of([] { (void)db::func("drop table x; --"); }),
            "db::func(\"drop table x; --\"): a function name is letters, digits and '_'");
  expect_sql(db::select({owner_}).distinct(), "SELECT DISTINCT \"owner\" FROM \"notes\"");
}

TEST_F(SelectSql, SubqueriesInWhereCorrelateWithTheEnclosingQuery) {
  EXPECT_EQ(
      postgres(users_.select().where(users_.c("id").in_(db::select({owner_}).where(notes_.c("completed") == true)))),
      std::pair(std::string("SELECT \"id\", \"email\", \"name\" FROM \"users\" WHERE \"id\" IN (SELECT "
                            "\"owner\" FROM \"notes\" WHERE \"completed\" = $1)"),
                Params{true}));
  // notes.owner = users.id inside: users is the outer row, not a second FROM entry.
  expect_sql(users_.select().where(db::exists(db::select({notes_.c("id")}).where(owner_ == users_.c("id")))),
             "SELECT \"id\", \"email\", \"name\" FROM \"users\" WHERE EXISTS (SELECT \"notes\".\"id\" FROM \"notes\" "
             "WHERE \"notes\".\"owner\" = \"users\".\"id\")");
  EXPECT_EQ(
      sqlite(db::select(
          {users_.c("email"), db::select({db::count()}).where(owner_ == users_.c("id")).scalar_subquery().label("n")})),
      "SELECT \"email\", (SELECT count(*) FROM \"notes\" WHERE \"notes\".\"owner\" = \"users\".\"id\") AS "
      "\"n\" FROM \"users\"");
  expect_sql(users_.delete_().where(!db::exists(db::select({notes_.c("id")}).where(owner_ == users_.c("id")))),
             "DELETE FROM \"users\" WHERE NOT (EXISTS (SELECT \"notes\".\"id\" FROM \"notes\" WHERE "
             "\"notes\".\"owner\" = \"users\".\"id\"))");
  expect_sql(notes_.update()
                 .values({{"completed", true}})
                 .where(owner_.not_in(db::select({users_.c("id")}).where(users_.c("email").like("%@x")))),
             "UPDATE \"notes\" SET \"completed\" = ? WHERE \"owner\" NOT IN (SELECT \"id\" FROM \"users\" WHERE "
             "\"email\" LIKE ?)");
}

TEST_F(SelectSql, ADerivedTableIsJoinedByItsColumns) {
  const auto per_owner = db::select({owner_, db::count().label("n")}).group_by(owner_).subquery("per_owner");
  expect_sql(db::select({users_.c("email"), per_owner.c("n")})
                 .select_from(users_)
                 .join(per_owner, per_owner.c("owner") == users_.c("id"))
                 .where(per_owner.c("n") >= 2),
             "SELECT \"users\".\"email\", \"per_owner\".\"n\" FROM \"users\" JOIN (SELECT "
             "\"owner\", count(*) AS \"n\" FROM \"notes\" GROUP BY \"owner\") AS \"per_owner\" "
             "ON \"per_owner\".\"owner\" = \"users\".\"id\" WHERE \"per_owner\".\"n\" >= ?",
             Params{2});
  expect_sql(db::select({}).select_from(per_owner),
             "SELECT \"per_owner\".\"owner\", \"per_owner\".\"n\" FROM (SELECT \"owner\", count(*) AS \"n\" FROM "
             "\"notes\" GROUP BY \"owner\") AS \"per_owner\"");
  EXPECT_EQ(programming_error_of([&] { (void)per_owner.c("nope"); }),
            "subquery \"per_owner\" has no column \"nope\"; its columns: owner, n (label() an expression to name it)");
  EXPECT_EQ(programming_error_of([&] { sqlite(users_.select().join(per_owner)); }),
            "join() to subquery \"per_owner\" needs an ON condition: join(sub, condition)");
}

TEST_F(SelectSql, CaseLikeBetweenInAndNulls) {
  EXPECT_EQ(postgres(db::select({db::case_({{notes_.c("completed") == true, "done"}}, "open").label("state")})),
            std::pair(std::string("SELECT CASE WHEN \"completed\" = $1 THEN CAST($2 AS TEXT) ELSE CAST($3 AS TEXT) "
                                  "END AS \"state\" FROM \"notes\""),
                      (Params{true, "done", "open"})));
  EXPECT_EQ(sqlite(db::select({db::case_({{notes_.c("completed") == true, "done"}}, "open").label("state")})),
            "SELECT CASE WHEN \"completed\" = ? THEN ? ELSE ? END AS \"state\" FROM \"notes\"");
  EXPECT_EQ(programming_error_of([] { (void)db::case_({}); }), "db::case_() needs at least one When");
  const auto where = [&](const db::Expression& condition, Dialect dialect) {
    const auto sql = notes_.delete_().where(condition).compile(dialect).sql;
    return sql.substr(sql.find(" WHERE ") + 7);
  };
  EXPECT_EQ(where(text_.ilike("%X%"), Dialect::postgresql), "\"text\" ILIKE $1");
  EXPECT_EQ(where(text_.ilike("%X%"), Dialect::sqlite), "\"text\" LIKE ?");  // SQLite's LIKE ignores case
  EXPECT_EQ(where(rank_.between(1, 5), Dialect::sqlite), "\"rank\" BETWEEN ? AND ?");
  EXPECT_EQ(where(rank_.between(1, 5), Dialect::postgresql), "\"rank\" BETWEEN $1 AND $2");
  const std::vector<std::int64_t> ids{4, 5};
  EXPECT_EQ(where(notes_.c("id").in_(ids), Dialect::postgresql), "\"id\" IN ($1, $2)");
  EXPECT_EQ(where(notes_.c("id").in_(ids), Dialect::sqlite), "\"id\" IN (?, ?)");
  EXPECT_EQ(where(notes_.c("id").in_(std::vector<db::Value>{}), Dialect::postgresql), "1 = 0");
  EXPECT_EQ(where(notes_.c("id").not_in(std::vector<db::Value>{}), Dialect::sqlite), "1 = 1");
  EXPECT_EQ(where(notes_.c("id").not_in(std::vector<db::Value>{}), Dialect::postgresql), "1 = 1");
  EXPECT_EQ(where((rank_ + 1).is_null(), Dialect::sqlite), "(\"rank\" + ?) IS NULL");
  EXPECT_EQ(where((rank_ + 1).is_null(), Dialect::postgresql), "(\"rank\" + $1) IS NULL");
  expect_sql(notes_.select().order_by(rank_.desc().nulls_last(), text_.asc().nulls_first()),
             "SELECT \"id\", \"text\", \"completed\", \"rank\", \"owner\", \"parent\" FROM \"notes\" ORDER BY \"rank\" "
             "DESC NULLS LAST, \"text\" NULLS FIRST");
}

TEST_F(SelectSql, LabelsArithmeticAndTypedParameters) {
  expect_sql(db::select({(rank_ * 2 + 1).label("score")}), "SELECT (\"rank\" * ?) + ? AS \"score\" FROM \"notes\"",
             (Params{2, 1}));
  EXPECT_EQ(postgres(db::select({db::Expression(1).label("one"), db::Expression(true).label("yes"),
                                 db::Expression(0.5).label("half"), db::Expression(nullptr).label("nothing")})
                         .select_from(notes_)),
            std::pair(std::string("SELECT CAST($1 AS BIGINT) AS \"one\", CAST($2 AS BOOLEAN) AS \"yes\", CAST($3 AS "
                                  "DOUBLE PRECISION) AS \"half\", $4 AS \"nothing\" FROM \"notes\""),
                      (Params{1, true, 0.5, nullptr})));
  EXPECT_EQ(sqlite(db::select({db::Expression(1).label("one")}).select_from(notes_)),
            "SELECT ? AS \"one\" FROM \"notes\"");
  const auto names = db::select({text_, (rank_ + 1).label("next"), db::count()}).column_names();
  EXPECT_EQ(names, (std::vector<std::string>{"text", "next", ""}));
}

TEST_F(SelectSql, JsonTextBindsItsPath) {
  db::MetaData metadata;
  const db::Table docs("docs", metadata, {db::Column("id", db::Integer, db::primary_key), db::Column("doc", db::JSON)});
  const auto query = db::select({db::json_text(docs.c("doc"), {"tags", 0}).label("tag")});
  EXPECT_EQ(postgres(query),
            std::pair(std::string("SELECT jsonb_extract_path_text(\"doc\", CAST($1 AS TEXT), CAST($2 AS TEXT)) AS "
                                  "\"tag\" FROM \"docs\""),
                      (Params{"tags", "0"})));
  const auto compiled = query.compile(Dialect::sqlite);
  EXPECT_EQ(compiled.sql,
            "SELECT CASE json_type(\"doc\", ?) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE "
            "CAST(json_extract(\"doc\", ?) AS TEXT) END AS \"tag\" FROM \"docs\"");
  EXPECT_EQ(compiled.params, (Params{"$.\"tags\"[0]", "$.\"tags\"[0]"}));
}

TEST_F(SelectSql, MistakesAreNamedRatherThanCompiled) {
  // A bare value where a column was surely meant.
  EXPECT_EQ(programming_error_of([&] { sqlite(db::select({owner_}).group_by("owner")); }),
            "GROUP BY a bound value groups every row together: use table.c(name)");
  EXPECT_EQ(programming_error_of([&] { sqlite(notes_.select().order_by(text_, "rank")); }),
            "ORDER BY a bound value orders nothing: use table.c(name)");
  EXPECT_EQ(programming_error_of([&] { sqlite(db::select({"id"}).select_from(notes_)); }),
            "select list item 1 is a bound value, not a column: use table.c(name), or label() a value meant as one");
  // A label is `AS` in the select list only; elsewhere the expression itself.
  const auto n = db::count().label("n");
  expect_sql(db::select({owner_, n}).group_by(owner_).having(n > 1).order_by(n.desc()),
             "SELECT \"owner\", count(*) AS \"n\" FROM \"notes\" GROUP BY \"owner\" HAVING count(*) > ? ORDER BY "
             "count(*) DESC");
  // An ON condition naming a table not joined before it.
  EXPECT_EQ(programming_error_of([&] { sqlite(notes_.select().join(users_, users_.c("id") == tags_.c("name"))); }),
            "join() to \"users\": its ON condition uses \"tags\", which is not in the query before it: "
            "select_from() or join() it first");
  // Every column of a subquery with an unnamed one.
  const auto unnamed = db::select({owner_, db::count()}).group_by(owner_).subquery("s");
  EXPECT_EQ(programming_error_of([&] { sqlite(db::select({}).select_from(unnamed)); }),
            "subquery \"s\" has a column without a name: label() its expressions to select them all");
  EXPECT_EQ(programming_error_of([&] {
              (void)notes_.insert().rows({{}, {}});
            }),
            "INSERT INTO \"notes\" rows(): a row sets no column; insert DEFAULT VALUES rows with execute_many()");
  EXPECT_EQ(programming_error_of([&] { (void)notes_.update().set("rank", users_.c("id")); }),
            "UPDATE \"notes\": the SET of \"rank\" uses a column of table \"users\"; only the table's own columns "
            "can be used");
  EXPECT_EQ(programming_error_of([&] { (void)notes_.delete_().returning({users_.c("id")}); }),
            "DELETE FROM \"notes\": the RETURNING uses a column of table \"users\"; only the table's own columns "
            "can be used");
}

TEST_F(SelectSql, UnionAppliesOrderAndLimitToTheWhole) {
  const auto done = db::select({text_}).where(notes_.c("completed") == true);
  const auto emails = db::select({users_.c("email")});
  expect_sql(done.union_(emails).order_by(text_).limit(5),
             "SELECT \"text\" FROM \"notes\" WHERE \"completed\" = ? UNION SELECT \"email\" FROM \"users\" ORDER BY "
             "\"text\" LIMIT ?");
  expect_sql(done.union_all(emails),
             "SELECT \"text\" FROM \"notes\" WHERE \"completed\" = ? UNION ALL SELECT \"email\" FROM \"users\"");
  EXPECT_EQ(programming_error_of([&] { (void)done.union_(emails).where(text_ == "x"); }),
            "where() after union_() would apply to the first query only: call it on each query, or on the union's "
            "subquery()");
  EXPECT_EQ(programming_error_of([&] { (void)done.limit(1).union_(emails); }),
            "a query in a UNION cannot have its own order_by(), limit() or offset(): call them on the union");
}

TEST_F(SelectSql, CountCountsWhatTheQueryReturns) {
  const auto open = notes_.select().where(notes_.c("completed") == false).order_by(text_);
  expect_sql(open.count(), "SELECT count(*) FROM \"notes\" WHERE \"completed\" = ?", Params{false});
  expect_sql(open.limit(10).offset(20).count(),
             "SELECT count(*) FROM (SELECT \"id\", \"text\", \"completed\", \"rank\", \"owner\", "
             "\"parent\" FROM \"notes\" WHERE \"completed\" = ? ORDER BY \"text\" LIMIT ? "
             "OFFSET ?) AS \"counted\"",
             (Params{false, 10, 20}));
  expect_sql(db::select({owner_}).distinct().count(),
             "SELECT count(*) FROM (SELECT DISTINCT \"owner\" FROM \"notes\") AS \"counted\"");
  expect_sql(db::select({owner_}).group_by(owner_).count(),
             "SELECT count(*) FROM (SELECT \"owner\" FROM \"notes\" GROUP BY \"owner\") AS \"counted\"");
  expect_sql(db::select({db::max(rank_)}).count(),
             "SELECT count(*) FROM (SELECT max(\"rank\") FROM \"notes\") AS \"counted\"");
  expect_sql(notes_.select().join(users_).count(),
             "SELECT count(*) FROM \"notes\" JOIN \"users\" ON \"notes\".\"owner\" = \"users\".\"id\"");
}

TEST_F(SelectSql, ReturningOnInsertUpdateAndDelete) {
  EXPECT_EQ(
      postgres(notes_.insert().values({{"text", "a"}}).returning({notes_.c("id"), text_})),
      std::pair(std::string("INSERT INTO \"notes\" (\"text\") VALUES ($1) RETURNING \"id\", \"text\""), Params{"a"}));
  expect_sql(users_.insert().values({{"email", "a"}}).returning(),
             "INSERT INTO \"users\" (\"email\") VALUES (?) RETURNING \"id\", \"email\", \"name\"");
  expect_sql(notes_.update().set("rank", rank_ + 1).where(notes_.c("id") == 3).returning({rank_}),
             "UPDATE \"notes\" SET \"rank\" = \"rank\" + ? WHERE \"id\" = ? RETURNING "
             "\"rank\"",
             (Params{1, 3}));
  expect_sql(tags_.delete_().where(tags_.c("name") == "x").returning(),
             "DELETE FROM \"tags\" WHERE \"name\" = ? RETURNING \"name\"");
  EXPECT_EQ(programming_error_of([&] { (void)notes_.update().set("nope", 1); }),
            "table \"notes\" has no column \"nope\" (columns: id, text, completed, rank, owner, parent)");
}

TEST_F(SelectSql, UpsertsInsertFromSelectAndMultiRowValues) {
  const auto upsert = users_.insert()
                          .values({{"email", "a@x"}, {"name", "A"}})
                          .on_conflict_do_update({users_.c("email")}, {{"name", db::excluded(users_.c("name"))}});
  // No RETURNING "id" on PostgreSQL: the row may have been updated rather than inserted.
  expect_sql(upsert,
             "INSERT INTO \"users\" (\"email\", \"name\") VALUES (?, ?) ON CONFLICT "
             "(\"email\") DO UPDATE SET \"name\" = excluded.\"name\"",
             (Params{"a@x", "A"}));
  EXPECT_EQ(sqlite(upsert),
            "INSERT INTO \"users\" (\"email\", \"name\") VALUES (?, ?) ON CONFLICT (\"email\") DO UPDATE SET "
            "\"name\" = excluded.\"name\"");
  EXPECT_FALSE(upsert.compile(Dialect::sqlite).reports_lastrowid);
  expect_sql(users_.insert().values({{"email", "a@x"}}).on_conflict_do_nothing(),
             "INSERT INTO \"users\" (\"email\") VALUES (?) ON CONFLICT DO NOTHING");
  EXPECT_EQ(programming_error_of([&] {
              (void)users_.insert().on_conflict_do_update({}, {{"name", "x"}});
            }),
            "INSERT INTO \"users\" on_conflict_do_update(): name the conflict target (the unique columns)");
  // The target and the SET are the table's own columns (and excluded's).
  EXPECT_EQ(programming_error_of([&] {
              (void)users_.insert().on_conflict_do_update({users_.c("email")}, {{"name", notes_.c("text")}});
            }),
            "INSERT INTO \"users\": the SET of \"name\" uses a column of table \"notes\"; only the table's own "
            "columns can be used");
  EXPECT_EQ(programming_error_of([&] { (void)users_.insert().on_conflict_do_nothing({notes_.c("text")}); }),
            "INSERT INTO \"users\": the conflict target uses a column of table \"notes\"; only the table's own "
            "columns can be used");
  EXPECT_THROW((void)users_.insert().on_conflict_do_update({notes_.c("text")}, {{"name", "x"}}), db::ProgrammingError);

  const auto archive = tags_.insert().from_select({"name"}, db::select({text_}).where(notes_.c("completed") == true));
  expect_sql(archive, "INSERT INTO \"tags\" (\"name\") SELECT \"text\" FROM \"notes\" WHERE \"completed\" = ?");
  EXPECT_EQ(sqlite(archive.on_conflict_do_nothing()),
            "INSERT INTO \"tags\" (\"name\") SELECT * FROM (SELECT \"text\" FROM \"notes\" WHERE \"completed\" = ?) "
            "WHERE true ON CONFLICT DO NOTHING");
  EXPECT_EQ(postgres(archive.on_conflict_do_nothing()).first,
            "INSERT INTO \"tags\" (\"name\") SELECT \"text\" FROM \"notes\" WHERE \"completed\" = $1 ON CONFLICT DO "
            "NOTHING");
  EXPECT_EQ(programming_error_of([&] {
              (void)tags_.insert().from_select({"name"}, db::select({text_, rank_}));
            }),
            "INSERT INTO \"tags\" from_select(): 1 columns named, but the query selects 2");

  const std::vector<db::Values> rows = {{{"text", "a"}, {"rank", 1}}, {{"rank", 2}, {"text", "b"}}};
  const auto many = notes_.insert().rows(rows);
  expect_sql(many,
             "INSERT INTO \"notes\" (\"text\", \"rank\") VALUES (?, ?), "
             "(?, ?)",
             (Params{"a", 1, "b", 2}));
  EXPECT_EQ(sqlite(many), "INSERT INTO \"notes\" (\"text\", \"rank\") VALUES (?, ?), (?, ?)");
  EXPECT_FALSE(many.compile(Dialect::sqlite).reports_lastrowid);
  EXPECT_EQ(programming_error_of([&] {
              (void)notes_.insert().rows({{{"text", "a"}}, {{"rank", 1}}});
            }),
            "rows() on table \"notes\": row 1 sets column \"rank\", which row 0 does not (every row of a "
            "multi-row insert sets the same columns)");
}

// The query layer's larger constructs run on every backend, checked by the
// rows they return: what select_sql_test.cpp checks as SQL text.
#include <starling/db.hpp>

#include "support/error_message.hpp"
#include "support/test_databases.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace starling::db {
namespace {

using test::run;

class SelectRows : public test::ConnectedDatabaseTest {
 protected:
  void SetUp() override {
    ConnectedDatabaseTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    run(metadata_.create_all(database()));
    // Ids 1, 2, 3 and 1 to 5, in order, from each fresh table's own sequence.
    run(database().execute_many(users_.insert(), {{{"email", "ann@x"}, {"name", "Ann"}},
                                                  {{"email", "bob@x"}, {"name", "Bob"}},
                                                  {{"email", "cid@x"}, {"name", nullptr}}}));
    const auto note = [](const char* text, bool completed, Value rank, Value owner, Value parent) {
      return Values{{"text", text},
                    {"completed", completed},
                    {"rank", std::move(rank)},
                    {"owner", std::move(owner)},
                    {"parent", std::move(parent)}};
    };
    run(database().execute_many(notes_.insert(),
                                {note("buy milk", false, 2, 1, nullptr), note("buy bread", true, nullptr, 1, 1),
                                 note("call mum", true, 5, 2, nullptr), note("write tests", false, 1, 2, 3),
                                 note("sleep", true, nullptr, nullptr, nullptr)}));
  }

  // Column `column` of every row, as T.
  template <class T>
  std::vector<T> column(const Select& query, const std::string& column) {
    std::vector<T> values;
    for (const auto& row : run(database().fetch_all(query))) values.push_back(row.get<T>(column));
    return values;
  }
  std::vector<std::int64_t> ids(const Select& query) { return column<std::int64_t>(query, "id"); }
  std::int64_t count_of(const Select& query) { return run(database().fetch_val(query.count())).as<std::int64_t>(); }

  using Strings = std::vector<std::string>;
  using Ints = std::vector<std::int64_t>;

  MetaData metadata_;
  Table users_{
      "users",
      metadata_,
      {Column("id", Integer, primary_key), Column("email", String(100), not_null, unique), Column("name", Text)}};
  Table notes_{"notes",
               metadata_,
               {Column("id", Integer, primary_key), Column("text", String(100)), Column("completed", Boolean),
                Column("rank", Integer), Column("owner", Integer, foreign_key("users.id")),
                Column("parent", Integer, foreign_key("notes.id"))}};
  Table tags_{"tags", metadata_, {Column("name", String(100), unique)}};
  ColumnRef id_ = notes_.c("id");
  ColumnRef text_ = notes_.c("text");
  ColumnRef rank_ = notes_.c("rank");
  ColumnRef owner_ = notes_.c("owner");
};

TEST_P(SelectRows, JoinsInnerOuterAndSelf) {
  EXPECT_EQ(
      column<std::string>(select({text_, users_.c("email")}).select_from(notes_).join(users_).order_by(id_), "email"),
      (Strings{"ann@x", "ann@x", "bob@x", "bob@x"}));  // "sleep" has no owner
  const auto per_user = select({users_.c("email"), count(id_).label("notes")})
                            .select_from(users_)
                            .outerjoin(notes_)
                            .group_by(users_.c("email"))
                            .order_by(users_.c("email"));
  EXPECT_EQ(column<std::int64_t>(per_user, "notes"), (Ints{2, 2, 0}));  // cid@x has none: an outer join keeps her
  const auto parent = notes_.alias("parent");
  EXPECT_EQ(column<std::string>(select({id_, parent.c("text").label("parent_text")})
                                    .join(parent, notes_.c("parent") == parent.c("id"))
                                    .order_by(id_),
                                "parent_text"),
            (Strings{"buy milk", "call mum"}));
}

TEST_P(SelectRows, GroupingAggregatesAndFunctions) {
  EXPECT_EQ(column<std::int64_t>(select({owner_, count().label("n")})
                                     .where(owner_.is_not_null())
                                     .group_by(owner_)
                                     .having(count() > 1)
                                     .order_by(owner_),
                                 "owner"),
            (Ints{1, 2}));
  const auto totals = run(database().fetch_one(
      select({sum(rank_).label("sum"), min(rank_).label("min"), max(rank_).label("max"), avg(rank_).label("avg"),
              count(rank_).label("ranked"), count_distinct(owner_).label("owners"), count().label("all")})));
  ASSERT_TRUE(totals.has_value());
  EXPECT_EQ(totals->get<std::int64_t>("sum"), 8);
  EXPECT_EQ(totals->get<std::int64_t>("min"), 1);
  EXPECT_EQ(totals->get<std::int64_t>("max"), 5);
  EXPECT_NEAR(totals->get<double>("avg"), 8.0 / 3.0, 1e-9);
  EXPECT_EQ(totals->get<std::int64_t>("ranked"), 3);
  EXPECT_EQ(totals->get<std::int64_t>("owners"), 2);
  EXPECT_EQ(totals->get<std::int64_t>("all"), 5);
  // A labelled expression orders and filters by its expression.
  const auto n = count().label("n");
  EXPECT_EQ(
      column<std::int64_t>(
          select({owner_, n}).where(owner_.is_not_null()).group_by(owner_).having(n >= 2).order_by(n.desc(), owner_),
          "n"),
      (Ints{2, 2}));
  EXPECT_EQ(ids(notes_.select().where(func("upper", {text_}) == "BUY BREAD")), (Ints{2}));
  EXPECT_EQ(column<std::int64_t>(select({id_, func("coalesce", {rank_, 0}).label("rank")}).order_by(id_), "rank"),
            (Ints{2, 0, 5, 1, 0}));
  EXPECT_EQ(column<std::int64_t>(select({owner_}).distinct().where(owner_.is_not_null()).order_by(owner_), "owner"),
            (Ints{1, 2}));
}

TEST_P(SelectRows, SubqueriesInWhereFromAndTheSelectList) {
  const auto done_owners = select({owner_}).where(notes_.c("completed") == true);
  EXPECT_EQ(
      column<std::string>(users_.select().where(users_.c("id").in_(done_owners)).order_by(users_.c("id")), "email"),
      (Strings{"ann@x", "bob@x"}));
  const auto has_notes = exists(select({id_}).where(owner_ == users_.c("id")));
  EXPECT_EQ(column<std::string>(users_.select().where(!has_notes), "email"), (Strings{"cid@x"}));
  const auto per_user =
      select({users_.c("email"), select({count()}).where(owner_ == users_.c("id")).scalar_subquery().label("n")})
          .order_by(users_.c("email"));
  EXPECT_EQ(column<std::int64_t>(per_user, "n"), (Ints{2, 2, 0}));
  const auto per_owner = select({owner_, count().label("n")}).group_by(owner_).subquery("per_owner");
  const auto busy = select({users_.c("email"), per_owner.c("n")})
                        .select_from(users_)
                        .join(per_owner, per_owner.c("owner") == users_.c("id"))
                        .where(per_owner.c("n") >= 2);
  EXPECT_EQ(column<std::string>(busy.order_by(users_.c("email")), "email"), (Strings{"ann@x", "bob@x"}));
  // A subquery in an UPDATE's WHERE reads another table.
  const auto bobs = select({users_.c("id")}).where(users_.c("email") == "bob@x");
  EXPECT_EQ(run(database().execute(notes_.update().values({{"completed", true}}).where(owner_.in_(bobs)))).rowcount, 2);
}

TEST_P(SelectRows, CaseLikeBetweenInAndNullOrdering) {
  EXPECT_EQ(column<std::string>(
                select({id_, case_({{notes_.c("completed") == true, "done"}}, "open").label("state")}).order_by(id_),
                "state"),
            (Strings{"open", "done", "done", "open", "done"}));
  EXPECT_EQ(ids(notes_.select().where(text_.ilike("BUY%")).order_by(id_)), (Ints{1, 2}));
  EXPECT_EQ(ids(notes_.select().where(rank_.between(1, 2)).order_by(id_)), (Ints{1, 4}));
  EXPECT_EQ(ids(notes_.select().where(id_.in_(std::vector<int>{}))), Ints{});
  EXPECT_EQ(ids(notes_.select().where(id_.not_in(std::vector<int>{})).order_by(id_)), (Ints{1, 2, 3, 4, 5}));
  EXPECT_EQ(ids(notes_.select().where(id_.not_in(select({owner_}).where(owner_.is_not_null()))).order_by(id_)),
            (Ints{3, 4, 5}));
  EXPECT_EQ(ids(notes_.select().where((rank_ + 1).is_null()).order_by(id_)), (Ints{2, 5}));
  EXPECT_EQ(ids(notes_.select().order_by(rank_.asc().nulls_first(), id_)), (Ints{2, 5, 4, 1, 3}));
  EXPECT_EQ(ids(notes_.select().order_by(rank_.desc().nulls_last(), id_)), (Ints{3, 1, 4, 2, 5}));
}

TEST_P(SelectRows, LabelsArithmeticAndBoundValuesInTheSelectList) {
  EXPECT_EQ(column<std::int64_t>(select({(rank_ * 2 + 1).label("score")}).where(id_ == 3), "score"), (Ints{11}));
  const auto row = run(database().fetch_one(
      select({Expression(7).label("seven"), Expression("x").label("ex"), Expression(0.5).label("half")})
          .select_from(users_)
          .limit(1)));
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->get<std::int64_t>("seven"), 7);
  EXPECT_EQ(row->get<std::string>("ex"), "x");
  EXPECT_EQ(row->get<double>("half"), 0.5);
  // A row's JSON keeps the query's column order, not the names' sorted order.
  EXPECT_EQ(row->to_json().dump(), R"({"seven":7,"ex":"x","half":0.5})");
}

TEST_P(SelectRows, UnionAndCountOfShapedQueries) {
  const auto done = select({text_}).where(notes_.c("completed") == true);
  const auto emails = select({users_.c("email")});
  EXPECT_EQ(column<std::string>(done.union_(emails).order_by(text_).limit(3), "text"),
            (Strings{"ann@x", "bob@x", "buy bread"}));
  const auto anns = select({owner_}).where(owner_ == 1);
  EXPECT_EQ(run(database().fetch_all(anns.union_all(anns))).size(), 4u);
  EXPECT_EQ(run(database().fetch_all(anns.union_(anns))).size(), 1u);
  // count() counts the rows the query returns, however it is shaped.
  for (const auto& query : {notes_.select().order_by(id_).limit(2).offset(1), select({owner_}).distinct(),
                            select({owner_}).group_by(owner_), done.union_(emails), notes_.select().join(users_),
                            notes_.select().where(text_.ilike("%u%")), select({max(rank_)}),
                            select({count().label("n")}).select_from(notes_).having(count() > 0)}) {
    SCOPED_TRACE(query.compile(database().dialect()).sql);
    EXPECT_EQ(count_of(query), static_cast<std::int64_t>(run(database().fetch_all(query)).size()));
  }
  EXPECT_EQ(count_of(notes_.select().limit(2)), 2);
}

TEST_P(SelectRows, ReturningGivesTheRowsWritten) {
  const auto added = run(database().execute(notes_.insert().values({{"text", "new"}}).returning({id_, text_})));
  EXPECT_EQ(added.rowcount, 1);
  EXPECT_EQ(added.lastrowid, std::nullopt);  // returning() was asked for instead
  ASSERT_EQ(added.rows.size(), 1u);
  EXPECT_EQ(added.rows.front().get<std::int64_t>("id"), 6);
  EXPECT_EQ(added.rows.front().columns(), (Strings{"id", "text"}));
  const auto fetched = run(database().fetch_one(notes_.insert().values({{"text", "newer"}}).returning()));
  ASSERT_TRUE(fetched.has_value());
  EXPECT_EQ(fetched->get<std::int64_t>("id"), 7);
  EXPECT_EQ(fetched->size(), 6u);

  const auto bumped = run(
      database().execute(notes_.update().set("rank", rank_ + 10).where(rank_.is_not_null()).returning({id_, rank_})));
  EXPECT_EQ(bumped.rowcount, 3);
  std::vector<std::int64_t> ranks;
  for (const auto& row : bumped.rows) ranks.push_back(row.get<std::int64_t>("rank"));
  std::sort(ranks.begin(), ranks.end());
  EXPECT_EQ(ranks, (Ints{11, 12, 15}));
  const auto removed = run(database().execute(notes_.delete_().where(id_ >= 6).returning({text_})));
  EXPECT_EQ(removed.rowcount, 2);
  EXPECT_EQ(removed.rows.size(), 2u);
  // Without returning(), a single-row insert reports its id on both backends.
  const auto plain = run(database().execute(notes_.insert().values({{"text", "plain"}})));
  EXPECT_EQ(plain.lastrowid, std::optional<std::int64_t>(8));
  EXPECT_TRUE(plain.rows.empty());
}

TEST_P(SelectRows, UpsertsSkipOrUpdateTheClashingRow) {
  const auto ann = users_.insert().values({{"email", "ann@x"}, {"name", "Annie"}});
  const auto skipped = run(database().execute(ann.on_conflict_do_nothing({users_.c("email")})));
  EXPECT_EQ(skipped.rowcount, 0);
  EXPECT_EQ(skipped.lastrowid, std::nullopt);
  EXPECT_EQ(run(database().fetch_val(select({users_.c("name")}).where(users_.c("id") == 1))), Value("Ann"));
  const auto updated =
      run(database().execute(ann.on_conflict_do_update({users_.c("email")}, {{"name", excluded(users_.c("name"))}})
                                 .returning({users_.c("id")})));
  EXPECT_EQ(updated.rowcount, 1);
  ASSERT_EQ(updated.rows.size(), 1u);
  EXPECT_EQ(updated.rows.front().get<std::int64_t>("id"), 1);
  EXPECT_EQ(run(database().fetch_val(select({users_.c("name")}).where(users_.c("id") == 1))), Value("Annie"));
  // The SET may use the clashing row's own columns (qualified: PostgreSQL would call them ambiguous).
  run(database().execute(
      ann.on_conflict_do_update({users_.c("email")}, {{"name", func("upper", {users_.c("name")})}})));
  EXPECT_EQ(run(database().fetch_val(select({users_.c("name")}).where(users_.c("id") == 1))), Value("ANNIE"));
  // One key twice in one execute_many: applied in order on both backends.
  run(database().execute_many(
      users_.insert().on_conflict_do_update({users_.c("email")}, {{"name", excluded(users_.c("name"))}}),
      {{{"email", "cid@x"}, {"name", "first"}}, {{"email", "cid@x"}, {"name", "second"}}}));
  EXPECT_EQ(run(database().fetch_val(select({users_.c("name")}).where(users_.c("email") == "cid@x"))), Value("second"));
  // rows() makes one statement: distinct keys are upserted at once; one key twice is
  // refused on both backends (PostgreSQL would refuse it, SQLite apply both), before SQL.
  const auto upsert =
      users_.insert().on_conflict_do_update({users_.c("email")}, {{"name", excluded(users_.c("name"))}});
  const auto both = run(database().execute(
      upsert.rows({{{"email", "cid@x"}, {"name", "third"}}, {{"email", "fay@x"}, {"name", "Fay"}}})));
  EXPECT_EQ(both.rowcount, 2);
  EXPECT_EQ(run(database().fetch_val(select({users_.c("name")}).where(users_.c("email") == "cid@x"))), Value("third"));
  const auto twice = upsert.rows(
      {{{"email", "gil@x"}, {"name", "a"}}, {{"email", "hal@x"}, {"name", "b"}}, {{"email", "gil@x"}, {"name", "c"}}});
  EXPECT_EQ(test::programming_error_of([&] { run(database().execute(twice)); }),
            "INSERT INTO \"users\" rows() with on_conflict_do_update(): rows 1 and 3 have the same conflict "
            "target (\"email\"); one statement updates a row once, so run them with execute_many()");
  EXPECT_EQ(run(database().fetch_val(select({func("count", {users_.c("id")})}).where(users_.c("email") == "gil@x"))),
            Value(0));
  // NULLs never conflict: rows with a NULL target are all inserted, on both backends.
  const auto nulls =
      run(database().execute(tags_.insert()
                                 .on_conflict_do_update({tags_.c("name")}, {{"name", excluded(tags_.c("name"))}})
                                 .rows({{{"name", nullptr}}, {{"name", nullptr}}})));
  EXPECT_EQ(nulls.rowcount, 2);
  // Many rows, the clashing ones skipped, in one call.
  run(database().execute_many(users_.insert().on_conflict_do_nothing(),
                              {{{"email", "bob@x"}}, {{"email", "dan@x"}}, {{"email", "eve@x"}}}));
  EXPECT_EQ(count_of(users_.select()), 6);
}

TEST_P(SelectRows, InsertFromSelectAndMultiRowValues) {
  const auto copied = run(
      database().execute(tags_.insert().from_select({"name"}, select({text_}).where(notes_.c("completed") == true))));
  EXPECT_EQ(copied.rowcount, 3);
  EXPECT_EQ(copied.lastrowid, std::nullopt);
  EXPECT_EQ(column<std::string>(tags_.select().order_by(tags_.c("name")), "name"),
            (Strings{"buy bread", "call mum", "sleep"}));
  // Again, with the names already there skipped.
  const auto again = run(database().execute(
      tags_.insert().from_select({"name"}, select({text_})).on_conflict_do_nothing({tags_.c("name")})));
  EXPECT_EQ(again.rowcount, 2);
  const std::vector<Values> rows = {{{"text", "a"}, {"rank", 1}}, {{"text", "b"}, {"rank", 2}}};
  const auto many = run(database().execute(notes_.insert().rows(rows)));
  EXPECT_EQ(many.rowcount, 2);
  EXPECT_EQ(many.lastrowid, std::nullopt);
  EXPECT_EQ(ids(notes_.select().where(text_.in_({"a", "b"})).order_by(id_)), (Ints{6, 7}));
  // No integer key, no lastrowid: on SQLite either (its hidden rowid is not the row's key).
  EXPECT_EQ(run(database().execute(tags_.insert().values({{"name", "x"}}))).lastrowid, std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(Backends, SelectRows, ::testing::ValuesIn(test::database_backends()));

}  // namespace
}  // namespace starling::db

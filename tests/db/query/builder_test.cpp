// The query builder and create_all/drop_all against real databases: what
// query_test.cpp checks as SQL text, run here on every backend.
#include <starling/db.hpp>

#include "support/test_databases.hpp"

#include <nlohmann/json.hpp>

namespace starling::db {
namespace {

using test::run;

class Builder : public test::ConnectedDatabaseTest {
 protected:
  void SetUp() override {
    ConnectedDatabaseTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    run(metadata_.create_all(database()));
  }

  std::vector<std::string> texts(const Select& query) {
    std::vector<std::string> result;
    for (const auto& row : run(database().fetch_all(query))) result.push_back(row.get<std::string>("text"));
    return result;
  }
  void add_notes() {
    for (const auto& [text, completed] : std::vector<std::pair<const char*, bool>>{
             {"buy milk", false}, {"call mum", true}, {"buy bread", true}, {"write tests", false}, {"sleep", true}})
      run(database().execute(notes_.insert().values({{"text", text}, {"completed", completed}})));
  }

  MetaData metadata_;
  Table users_{"users",
               metadata_,
               {Column("id", Integer, primary_key), Column("email", String(100), not_null, unique),
                Column("admin", Boolean, not_null, default_(false))}};
  Table notes_{"notes",
               metadata_,
               {Column("id", Integer, primary_key), Column("text", String(200), index), Column("completed", Boolean),
                Column("owner", Integer, foreign_key("users.id").on_delete("CASCADE"))}};
  Table kinds_{"kinds",
               metadata_,
               {Column("id", BigInteger, primary_key), Column("ratio", Float), Column("price", Numeric(10, 2)),
                Column("at", DateTime), Column("day", Date), Column("doc", JSON), Column("bytes", LargeBinary),
                Column("body", Text, default_("empty"))}};
};

TEST_P(Builder, InsertAnswersTheNewIdAndABooleanReadsBackAsABool) {
  const auto first =
      run(database().execute(notes_.insert().values({{"text", "one"}, {"completed", true}}))).lastrowid.value();
  const auto second =
      run(database().execute(notes_.insert().values({{"text", "two"}, {"completed", false}}))).lastrowid.value();
  EXPECT_EQ(second, first + 1);
  const auto row = run(database().fetch_one(notes_.select().where(notes_.c("id") == first)));
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ((*row)["completed"], Value(true));
  EXPECT_EQ(nlohmann::json(*row),
            (nlohmann::json{{"id", first}, {"text", "one"}, {"completed", true}, {"owner", nullptr}}));
  EXPECT_TRUE((*row)["owner"].is_null());
}

TEST_P(Builder, WhereOrderLimitOffsetAndCount) {
  add_notes();
  EXPECT_EQ(texts(notes_.select().where(notes_.c("completed") == true).order_by(notes_.c("id").desc())),
            (std::vector<std::string>{"sleep", "buy bread", "call mum"}));
  EXPECT_EQ(texts(notes_.select().order_by(notes_.c("text")).limit(2).offset(1)),
            (std::vector<std::string>{"buy milk", "call mum"}));
  EXPECT_EQ(texts(notes_.select().where(notes_.c("text").like("buy%")).order_by(notes_.c("id"))),
            (std::vector<std::string>{"buy milk", "buy bread"}));
  EXPECT_EQ(
      texts(notes_.select().where(notes_.c("text").in_({"sleep", "call mum", "nothing"})).order_by(notes_.c("id"))),
      (std::vector<std::string>{"call mum", "sleep"}));
  EXPECT_EQ(texts(notes_.select()
                      .where(or_({notes_.c("text") == "sleep", not_(notes_.c("completed") == true)}))
                      .order_by(notes_.c("id"))),
            (std::vector<std::string>{"buy milk", "write tests", "sleep"}));
  EXPECT_EQ(texts(notes_.select().where(and_({notes_.c("id") > 1, notes_.c("id") <= 3})).order_by(notes_.c("id"))),
            (std::vector<std::string>{"call mum", "buy bread"}));
  EXPECT_EQ(run(database().fetch_val(notes_.select().where(notes_.c("completed") != false).count())), Value(3));
  // count() counts what the query returns: a limit is part of that.
  EXPECT_EQ(run(database().fetch_val(notes_.select().where(notes_.c("owner").is_null()).limit(2).count())), Value(2));
  EXPECT_EQ(run(database().fetch_val(notes_.select().where(notes_.c("owner").is_null()).count())), Value(5));
  EXPECT_TRUE(texts(notes_.select().where(notes_.c("text").in_({}))).empty());
}

TEST_P(Builder, UpdateAndDeleteAnswerTheRowsChanged) {
  add_notes();
  EXPECT_EQ(
      run(database().execute(
              notes_.update().where(notes_.c("text").like("buy%")).values({{"completed", true}, {"text", "shop"}})))
          .rowcount,
      2);
  EXPECT_EQ(run(database().fetch_val(notes_.select().where(notes_.c("text") == "shop").count())), Value(2));
  EXPECT_EQ(run(database().execute(notes_.delete_().where(notes_.c("completed") == true))).rowcount, 4);
  EXPECT_EQ(texts(notes_.select()), (std::vector<std::string>{"write tests"}));
  EXPECT_EQ(run(database().execute(notes_.delete_())).rowcount, 1);
}

TEST_P(Builder, ExecuteManyInsertsEveryRowOrNone) {
  std::vector<Values> rows;
  for (int i = 0; i < 1500; ++i) rows.push_back({{"text", "note " + std::to_string(i)}, {"completed", i % 2 == 0}});
  run(database().execute_many(notes_.insert(), rows));
  EXPECT_EQ(run(database().fetch_val(notes_.select().count())), Value(1500));
  EXPECT_EQ(run(database().fetch_val(notes_.select().where(notes_.c("completed") == true).count())), Value(750));

  run(database().execute(users_.insert().values({{"email", "a@example.com"}})));
  const std::vector<Values> clashing = {{{"email", "b@example.com"}}, {{"email", "a@example.com"}}};
  EXPECT_THROW(run(database().execute_many(users_.insert(), clashing)), UniqueViolation);
  EXPECT_EQ(run(database().fetch_val(users_.select().count())), Value(1));  // b@ was not kept
}

TEST_P(Builder, ConstraintsFromTheSchemaAreEnforcedWithTypedErrors) {
  const auto user = run(database().execute(users_.insert().values({{"email", "a@example.com"}}))).lastrowid.value();
  EXPECT_EQ(run(database().fetch_val(select({users_.c("admin")}).where(users_.c("id") == user))), Value(false));
  EXPECT_THROW(run(database().execute(users_.insert().values({{"email", "a@example.com"}}))), UniqueViolation);
  EXPECT_THROW(run(database().execute(users_.insert().values({{"email", nullptr}}))), NotNullViolation);
  EXPECT_THROW(run(database().execute(notes_.insert().values({{"text", "x"}, {"owner", user + 100}}))),
               ForeignKeyViolation);
  run(database().execute(notes_.insert().values({{"text", "mine"}, {"owner", user}})));
  run(database().execute(users_.delete_().where(users_.c("id") == user)));  // ON DELETE CASCADE
  EXPECT_EQ(run(database().fetch_val(notes_.select().count())), Value(0));
}

TEST_P(Builder, EveryColumnTypeRoundTrips) {
  const Blob bytes{0x00, 0xff, 0x0a};
  const auto inserted = run(database().execute(kinds_.insert().values({{"ratio", 0.25},
                                                                       {"price", 12.5},
                                                                       {"at", "2026-11-24 10:30:00"},
                                                                       {"day", "2026-11-24"},
                                                                       {"doc", JsonText{R"({"a": [1, 2]})"}},
                                                                       {"bytes", bytes}})));
  const auto row = run(database().fetch_one(kinds_.select().where(kinds_.c("id") == inserted.lastrowid.value())));
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->get<double>("ratio"), 0.25);
  EXPECT_EQ(row->get<double>("price"), 12.5);
  EXPECT_EQ((*row)["price"].type(), ValueType::decimal);
  EXPECT_EQ(row->get<std::string>("at"), "2026-11-24 10:30:00");
  EXPECT_EQ(row->get<std::string>("day"), "2026-11-24");
  EXPECT_EQ(nlohmann::json((*row)["doc"]), (nlohmann::json{{"a", {1, 2}}}));
  EXPECT_EQ(row->get<Blob>("bytes"), bytes);
  EXPECT_EQ(row->get<std::string>("body"), "empty");  // the DDL default
}

TEST_P(Builder, CreateAllSkipsWhatExistsAndDropAllRemovesEverything) {
  run(database().execute(users_.insert().values({{"email", "kept@example.com"}})));
  run(metadata_.create_all(database()));  // again: nothing recreated, nothing lost
  EXPECT_EQ(run(database().fetch_val(users_.select().count())), Value(1));
  run(metadata_.drop_all(database()));
  EXPECT_THROW(run(database().fetch_all(users_.select())), ProgrammingError);
  run(metadata_.drop_all(database()));  // nothing left to drop: no error
  run(metadata_.create_all(database()));
  EXPECT_EQ(run(database().fetch_val(users_.select().count())), Value(0));
}

TEST_P(Builder, CreateAllByUrlOutsideAnEventLoop) {
  if (is_memory()) GTEST_SKIP() << "a memory database lives in its connection: use create_all(database)";
  MetaData other;
  const Table tags("tags", other, {Column("id", Integer, primary_key), Column("name", String(20))});
  other.create_all(url());
  other.create_all(url());
  run(database().execute(tags.insert().values({{"name", "x"}})));
  EXPECT_EQ(run(database().fetch_val(tags.select().count())), Value(1));
  run(database().disconnect());  // SQLite: let go of the file's locks before dropping by URL
  other.drop_all(url());
  run(database().connect());
  EXPECT_THROW(run(database().fetch_all(tags.select())), ProgrammingError);
}

INSTANTIATE_TEST_SUITE_P(Backends, Builder, ::testing::ValuesIn(test::database_backends()));

}  // namespace
}  // namespace starling::db

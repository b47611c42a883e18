// Rows as described structs on every backend: fetch_all<T>/fetch_one<T>,
// nullable members, times, errors naming the column, the struct as JSON in
// member order; fetch_val by column name.
#include <starling/db.hpp>

#include "support/test_databases.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

namespace typed {

enum class Stage { draft, published };
BOOST_DESCRIBE_ENUM(Stage, draft, published)

struct Staged {
  std::string text;
  Stage stage = Stage::draft;
  std::optional<Stage> previous;
};
BOOST_DESCRIBE_STRUCT(Staged, (), (text, stage, previous))

struct Note {
  std::int64_t id = 0;
  std::string text;
  bool completed = false;
  std::optional<std::int64_t> rank;
  std::chrono::sys_seconds created_at;
};
BOOST_DESCRIBE_STRUCT(Note, (), (id, text, completed, rank, created_at))

struct Summary {
  std::string text;
  nlohmann::json doc;
};
BOOST_DESCRIBE_STRUCT(Summary, (), (text, doc))

struct Mistyped {
  std::int64_t text = 0;  // the column holds text
};
BOOST_DESCRIBE_STRUCT(Mistyped, (), (text))

struct Wanting {
  std::string title;  // no such column
};
BOOST_DESCRIBE_STRUCT(Wanting, (), (title))

struct Custom {
  int value = 0;
};
BOOST_DESCRIBE_STRUCT(Custom, (), (value))
void to_json(nlohmann::json& json, const Custom& custom) { json = {{"custom", custom.value}}; }

}  // namespace typed

namespace starling::db {
namespace {

using test::run;
using typed::Note;

class TypedRows : public test::ConnectedDatabaseTest {
 protected:
  void SetUp() override {
    ConnectedDatabaseTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    run(metadata_.create_all(database()));
    run(database().execute_many(notes_.insert(),
                                {{{"text", "one"}, {"rank", 3}, {"created_at", "2026-12-07 10:30:00"}},
                                 {{"text", "two"}, {"rank", nullptr}, {"created_at", "2026-12-07 11:00:05"}}}));
  }

  MetaData metadata_;
  Table notes_{"notes",
               metadata_,
               {Column("id", Integer, primary_key), Column("text", String(50), not_null),
                Column("completed", Boolean, not_null, default_(false)), Column("rank", Integer),
                Column("created_at", DateTime, not_null), Column("doc", JSON),
                Column("stage", Enum(choices_of<typed::Stage>()), not_null, default_("draft")),
                Column("previous", Enum(choices_of<typed::Stage>())), Column("free_text", Text)}};
};

TEST_P(TypedRows, RowsBecomeStructsMemberByColumnName) {
  const auto notes = run(database().fetch_all<Note>(notes_.select().order_by(notes_.c("id"))));
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0].id, 1);
  EXPECT_EQ(notes[0].text, "one");
  EXPECT_FALSE(notes[0].completed);
  EXPECT_EQ(notes[0].rank, std::optional<std::int64_t>(3));
  EXPECT_EQ(notes[1].rank, std::nullopt);  // NULL
  using namespace std::chrono;
  EXPECT_EQ(notes[1].created_at, sys_days(2026y / 12 / 7) + 11h + 5s);
  const auto one = run(database().fetch_one<Note>(notes_.select().where(notes_.c("text") == "two")));
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->id, 2);
  EXPECT_FALSE(run(database().fetch_one<Note>(notes_.select().where(notes_.c("id") == 99))).has_value());
}

TEST_P(TypedRows, AStructIsJsonInMemberOrderWithRfc3339Times) {
  const auto notes = run(database().fetch_all<Note>(notes_.select().order_by(notes_.c("id"))));
  const nlohmann::ordered_json ordered = notes.at(1);
  EXPECT_EQ(ordered.dump(),
            R"({"id":2,"text":"two","completed":false,"rank":null,"created_at":"2026-12-07T11:00:05Z"})");
  const nlohmann::json list = notes;  // a vector of structs, as JSONResponse(notes) takes it
  EXPECT_EQ(list.at(0).at("created_at"), "2026-12-07T10:30:00Z");
  EXPECT_EQ(list.at(0).at("rank"), 3);
}

TEST(TypedJson, AStructReadsBackFromJsonAndAnOwnToJsonIsKept) {
  using namespace std::chrono;
  const auto note =
      nlohmann::json::parse(R"({"id": 4, "text": "x", "completed": true, "created_at": "2026-12-07T10:30:00Z"})")
          .get<Note>();
  EXPECT_EQ(note.id, 4);
  EXPECT_EQ(note.rank, std::nullopt);  // absent: an optional member is empty
  EXPECT_EQ(note.created_at, sys_days(2026y / 12 / 7) + 10h + 30min);
  EXPECT_THROW(nlohmann::json::parse(R"({"id": 4})").get<Note>(), nlohmann::json::out_of_range);
  EXPECT_EQ(nlohmann::json(typed::Custom{7}), (nlohmann::json{{"custom", 7}}));
}

TEST_P(TypedRows, AJsonColumnReadsAsTheDocument) {
  run(database().execute(notes_.update().values({{"doc", JsonText{R"({"tags": ["a"]})"}}}).where(notes_.c("id") == 1)));
  const auto summary =
      run(database().fetch_one<typed::Summary>(select({notes_.c("text"), notes_.c("doc")}).where(notes_.c("id") == 1)));
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->doc, (nlohmann::json{{"tags", {"a"}}}));
}

TEST_P(TypedRows, AMissingOrMistypedColumnIsNamed) {
  try {
    run(database().fetch_all<typed::Wanting>(select({notes_.c("id"), notes_.c("text")})));
    FAIL() << "no error";
  } catch (const ProgrammingError& error) {
    EXPECT_STREQ(error.what(), "the row has no column 'title' for the struct member of that name (columns: id, text)");
  }
  try {
    run(database().fetch_all<typed::Mistyped>(notes_.select()));
    FAIL() << "no error";
  } catch (const TypeError& error) {
    EXPECT_STREQ(error.what(), "column 'text' is TEXT, which cannot be read as an integer");
  }
}

TEST_P(TypedRows, ADescribedEnumIsItsEnumeratorsNameInTheColumnAndInJson) {
  using typed::Stage;
  run(database().execute(notes_.update()
                             .values({{"stage", enum_name(Stage::published)}, {"previous", "draft"}})
                             .where(notes_.c("id") == 2)));
  const auto rows = run(database().fetch_all<typed::Staged>(notes_.select().order_by(notes_.c("id"))));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].stage, Stage::draft);
  EXPECT_EQ(rows[0].previous, std::nullopt);
  EXPECT_EQ(rows[1].stage, Stage::published);
  EXPECT_EQ(rows[1].previous, Stage::draft);
  EXPECT_EQ(nlohmann::json(rows[1]), (nlohmann::json{{"text", "two"}, {"stage", "published"}, {"previous", "draft"}}));
  EXPECT_EQ(nlohmann::json::parse(R"({"text": "x", "stage": "published"})").get<typed::Staged>().stage,
            Stage::published);
  try {
    (void)nlohmann::json::parse(R"({"text": "x", "stage": "gone"})").get<typed::Staged>();
    FAIL() << "no error";
  } catch (const TypeError& error) {
    EXPECT_STREQ(error.what(), "JSON member 'stage' is none of the enumerators draft, published");
  }
  EXPECT_THROW((void)enum_name(static_cast<Stage>(7)), TypeError);
  // Text in a column that is no Enum is read by name all the same, and checked.
  run(database().execute(notes_.update().values({{"free_text", "archived"}})));
  try {
    run(database().fetch_all<typed::Staged>(
        select({notes_.c("text"), notes_.c("free_text").label("stage"), notes_.c("previous")})));
    FAIL() << "no error";
  } catch (const TypeError& error) {
    EXPECT_STREQ(error.what(), "the value of column 'stage' is none of the enumerators draft, published");
  }
}

TEST_P(TypedRows, FetchValTakesAColumnName) {
  const auto query = select({notes_.c("id"), notes_.c("text")}).where(notes_.c("id") == 2);
  EXPECT_EQ(run(database().fetch_val(query, "text")), Value("two"));
  EXPECT_EQ(run(database().fetch_val(query, 0)), Value(2));
  EXPECT_TRUE(run(database().fetch_val(query.where(notes_.c("id") == 3), "text")).is_null());  // no row
  EXPECT_THROW(run(database().fetch_val(query, "nope")), std::out_of_range);
}

INSTANTIATE_TEST_SUITE_P(Backends, TypedRows, ::testing::ValuesIn(test::database_backends()));

}  // namespace
}  // namespace starling::db

// db::Row: reads by name and index, errors naming the column or listing the columns, conversion to JSON.
#include <starling/db/row.hpp>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

using namespace starling::db;

namespace {

Row note_row() {
  auto columns = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"id", "text", "completed"});
  return Row(columns, {Value(3), Value("buy milk"), Value(1)});
}

}  // namespace

TEST(Row, ReadsByNameAndIndex) {
  const Row row = note_row();
  EXPECT_EQ(row["text"].as<std::string>(), "buy milk");
  EXPECT_EQ(row[0].as<int>(), 3);
  EXPECT_EQ(row.get<std::int64_t>("id"), 3);
  EXPECT_TRUE(row.get<bool>("completed"));
  EXPECT_FALSE(row.is_null("text"));
  EXPECT_TRUE(row.contains("id"));
  EXPECT_FALSE(row.contains("nope"));
  EXPECT_EQ(row.columns(), (std::vector<std::string>{"id", "text", "completed"}));
}

TEST(Row, TypeMismatchNamesTheColumn) {
  try {
    note_row().get<int>("text");
    FAIL();
  } catch (const TypeError& e) {
    EXPECT_STREQ(e.what(), "column 'text' is TEXT, which cannot be read as an integer");
  }
}

TEST(Row, UnknownColumnListsTheColumns) {
  try {
    note_row()["txt"];
    FAIL();
  } catch (const std::out_of_range& e) {
    EXPECT_STREQ(e.what(), "no column 'txt' in this row (columns: id, text, completed)");
  }
  EXPECT_THROW(note_row()[3], std::out_of_range);
}

TEST(Row, ConvertsToJson) {
  nlohmann::json json = note_row();
  EXPECT_EQ(json, nlohmann::json({{"id", 3}, {"text", "buy milk"}, {"completed", 1}}));
  // The reference page's shape, built from single columns.
  const Row row = note_row();
  nlohmann::json note = {{"text", row["text"]}, {"completed", row.get<bool>("completed")}};
  EXPECT_EQ(note, nlohmann::json({{"text", "buy milk"}, {"completed", true}}));
}

TEST(Row, ColumnsAndValuesMustAgree) {
  auto columns = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"a"});
  EXPECT_THROW(Row(columns, {}), std::invalid_argument);
}

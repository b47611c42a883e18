// db::Row: reads by name and index, errors naming the column or listing the columns, conversion to JSON.
#include <starling/db/row.hpp>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

using namespace starling::db;

namespace {

Row note_row() {
  auto columns = make_columns({"id", "text", "completed"});
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

TEST(Row, JsonKeepsTheQueryColumnOrder) {
  const auto columns = make_columns({"zeta", "alpha", "mid"});
  const Row row(columns, {Value(1), Value("a"), Value(nullptr)});
  EXPECT_EQ(row.to_json().dump(), R"({"zeta":1,"alpha":"a","mid":null})");
  nlohmann::ordered_json converted = row;
  EXPECT_EQ(converted.dump(), R"({"zeta":1,"alpha":"a","mid":null})");
}

TEST(Row, WideRowsFindColumnsByNameAndTheFirstOfARepeatedName) {
  std::vector<std::string> names;
  std::vector<Value> values;
  for (int i = 0; i < 40; ++i) {
    names.push_back("c" + std::to_string(i));
    values.emplace_back(i);
  }
  names.push_back("c7");  // a join can repeat a name
  values.emplace_back(-1);
  const Row row(make_columns(names), values);
  EXPECT_EQ(row.get<int>("c0"), 0);
  EXPECT_EQ(row.get<int>("c39"), 39);
  EXPECT_EQ(row.get<int>("c7"), 7);
  EXPECT_FALSE(row.contains("c40"));
  EXPECT_THROW(row["nope"], std::out_of_range);
  const Row narrow(make_columns({"a", "a"}), {Value(1), Value(2)});
  EXPECT_EQ(narrow.get<int>("a"), 1);
  EXPECT_EQ(narrow.to_json().dump(), R"({"a":1})");
  const Row first_null(make_columns({"a", "a"}), {Value(), Value(2)});
  EXPECT_EQ(first_null.to_json().dump(), R"({"a":null})");  // as first_null["a"] reads it
}

TEST(Row, ColumnsAndValuesMustAgree) {
  auto columns = make_columns({"a"});
  EXPECT_THROW(Row(columns, {}), std::invalid_argument);
}

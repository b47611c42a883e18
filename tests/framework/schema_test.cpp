// Schema: every problem of a value found at once, each naming its field; the
// rules of each type; and the JSON Schema each declaration writes.
#include <starling/schema.hpp>

#include <starling/exceptions.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace starling {
namespace {

const Schema kNote =
    Schema::object({{"text", Schema::string({.min_length = 1, .max_length = 5})},
                    {"completed", Schema::boolean()},
                    {"priority", Schema::integer({.minimum = 1, .maximum = 3}), false},
                    {"tags", Schema::array(Schema::string({.one_of = {"home", "work"}}), {.max_items = 2}), false}})
        .named("Note");

std::vector<std::string> messages(const std::vector<SchemaError>& errors) {
  std::vector<std::string> out;
  for (const auto& error : errors) out.push_back(error.field + ": " + error.message);
  return out;
}

TEST(Schema, AValueThatFitsHasNoProblems) {
  EXPECT_TRUE(kNote.validate({{"text", "milk"}, {"completed", false}}).empty());
  EXPECT_TRUE(
      kNote.validate({{"text", "caf\xc3\xa9!"}, {"completed", true}, {"priority", 3.0}, {"tags", {"home"}}}).empty())
      << "5 characters (7 bytes), and 3.0 is a whole number";
}

TEST(Schema, EveryProblemIsNamedNotJustTheFirst) {
  const auto errors = kNote.validate({{"text", ""}, {"completed", 1}, {"priority", 7}, {"colour", "red"}});
  EXPECT_EQ(messages(errors), (std::vector<std::string>{
                                  "colour: \"colour\" is not a field of Note (text, completed, priority, tags)",
                                  "completed: \"completed\" must be true or false",
                                  "priority: \"priority\" must be at most 3",
                                  "text: \"text\" must be at least 1 character long",
                              }));
}

TEST(Schema, MissingFieldsAndWrongTypes) {
  EXPECT_EQ(messages(kNote.validate(json::object())),
            (std::vector<std::string>{"text: \"text\" is required", "completed: \"completed\" is required"}));
  EXPECT_EQ(messages(kNote.validate({{"text", 5}, {"completed", nullptr}, {"priority", 1.5}})),
            (std::vector<std::string>{"completed: \"completed\" must be true or false",
                                      "priority: \"priority\" must be a whole number (64-bit)",
                                      "text: \"text\" must be a string"}));
  EXPECT_EQ(messages(kNote.validate(json::array())), (std::vector<std::string>{": the body must be a JSON object"}));
}

TEST(Schema, NestedFieldsAreNamedByTheirPlace) {
  EXPECT_EQ(messages(kNote.validate({{"text", "abcdef"}, {"completed", true}, {"tags", {"home", "gym", "work"}}})),
            (std::vector<std::string>{"tags: \"tags\" must have at most 2 items",
                                      "text: \"text\" must be at most 5 characters long"}));
  EXPECT_EQ(messages(kNote.validate({{"text", "a"}, {"completed", true}, {"tags", {"home", "gym"}}})),
            (std::vector<std::string>{"tags[1]: \"tags[1]\" must be one of \"home\", \"work\""}));
  const auto list = Schema::array(kNote, {.min_items = 1});
  EXPECT_EQ(messages(list.validate({{{"text", "a"}, {"completed", true}}, {{"text", "b"}}})),
            (std::vector<std::string>{"[1].completed: \"[1].completed\" is required"}));
  EXPECT_EQ(messages(list.validate(json::array())), (std::vector<std::string>{": the body must have at least 1 item"}));
}

TEST(Schema, AnObjectCanRequireSomeOfItsOptionalFields) {
  const auto patch = Schema::object({{"text", Schema::string(), false}, {"completed", Schema::boolean(), false}},
                                    {.min_properties = 1});
  EXPECT_TRUE(patch.validate({{"completed", true}}).empty());
  EXPECT_EQ(messages(patch.validate(json::object())),
            (std::vector<std::string>{": the body must have at least 1 of its fields (text, completed)"}));
}

TEST(Schema, NumbersKeepTheirRules) {
  const auto ratio = Schema::number({.minimum = 0, .maximum = 0.5});
  EXPECT_TRUE(ratio.validate(0.25).empty());
  EXPECT_TRUE(ratio.validate(0).empty());
  EXPECT_EQ(messages(ratio.validate(0.75)), (std::vector<std::string>{": the body must be at most 0.5"}));
  EXPECT_EQ(messages(ratio.validate("0.1")), (std::vector<std::string>{": the body must be a number"}));
}

TEST(Schema, CheckThrows422ListingEveryProblem) {
  try {
    kNote.check({{"completed", "no"}});
    FAIL() << "the note does not fit";
  } catch (const HTTPException& error) {
    EXPECT_EQ(error.status_code(), 422);
    EXPECT_EQ(error.detail(), json::parse(R"([
      {"field": "completed", "message": "\"completed\" must be true or false"},
      {"field": "text", "message": "\"text\" is required"}])"));
  }
  EXPECT_NO_THROW(kNote.check({{"text", "a"}, {"completed", false}}));
}

TEST(Schema, WritesJsonSchema) {
  EXPECT_EQ(kNote.to_json("#/components/schemas/"), json({{"$ref", "#/components/schemas/Note"}}));
  EXPECT_EQ(kNote.to_json(), json::parse(R"({
    "type": "object",
    "properties": {
      "text": {"type": "string", "minLength": 1, "maxLength": 5},
      "completed": {"type": "boolean"},
      "priority": {"type": "integer", "minimum": 1.0, "maximum": 3.0},
      "tags": {"type": "array", "items": {"type": "string", "enum": ["home", "work"]}, "maxItems": 2}
    },
    "required": ["text", "completed"],
    "additionalProperties": false})"));
  const auto list = Schema::array(kNote).described("Notes to import");
  EXPECT_EQ(list.to_json("#/c/"), json::parse(R"({"type": "array", "items": {"$ref": "#/c/Note"},
                                                  "description": "Notes to import"})"));
  ASSERT_EQ(list.named_schemas().size(), 1u);
  EXPECT_EQ(list.named_schemas()[0].name(), "Note");
}

TEST(Schema, AWholeNumberMustFitSixtyFourBits) {
  const auto count = Schema::integer();
  EXPECT_TRUE(count.validate(json(9223372036854775807LL)).empty());
  EXPECT_TRUE(count.validate(json(-9223372036854775807LL - 1)).empty());
  EXPECT_TRUE(count.validate(json(3.0)).empty());
  for (const json& too_big : {json(9223372036854775808ULL), json(1e300), json(-1e19)})
    EXPECT_EQ(messages(count.validate(too_big)),
              (std::vector<std::string>{": the body must be a whole number (64-bit)"}))
        << too_big;
}

TEST(Schema, ListsFiftyProblemsAndCountsTheRest) {
  json body = {{"text", "a"}, {"completed", true}};
  for (int i = 0; i < 60; ++i) body["extra" + std::to_string(100 + i)] = i;
  const auto errors = kNote.validate(body);
  ASSERT_EQ(errors.size(), 51u);
  EXPECT_EQ(errors.back().message, "and 10 more problems, not listed");
}

TEST(Schema, RefusesAPropertyDeclaredTwice) {
  EXPECT_THROW(Schema::object({{"a", Schema::string()}, {"a", Schema::boolean()}}), std::invalid_argument);
}

}  // namespace
}  // namespace starling

// Checking a value against a schema: every problem, each naming its field.
#include "schema/schema_node.hpp"

#include <algorithm>
#include <cmath>

namespace starling {
namespace {

using Kind = Schema::Node::Kind;

class Checker {
 public:
  void check(const Schema::Node& node, const json& value, const std::string& field);
  static constexpr std::size_t kMostErrors = 50;
  std::vector<SchemaError> errors;
  std::size_t more = 0;  // problems past kMostErrors, counted only

 private:
  void fail(const std::string& field, const std::string& problem) {
    if (errors.size() == kMostErrors) {
      ++more;  // a body of a million wrong fields must not get an answer ten times its size
      return;
    }
    errors.push_back({field, (field.empty() ? std::string("the body") : "\"" + field + "\"") + " " + problem});
  }
  void check_string(const StringRules& rules, const std::string& text, const std::string& field);
  void check_number(const NumberRules& rules, double number, const std::string& field);
  void check_object(const Schema::Node& node, const json& value, const std::string& field);
};

// 3 rather than 3.0, so messages read as the rule was written.
std::string number_text(double number) {
  if (std::trunc(number) == number && std::fabs(number) < 1e15) return std::to_string(static_cast<long long>(number));
  return json(number).dump();
}

std::size_t characters(const std::string& text) {
  std::size_t count = 0;
  for (const char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // not a continuation byte
  return count;
}

// A whole number that fits an int64_t, what an endpoint will read it as (3 and
// 3.0 are; 2^63 and 1e300 are not, so no endpoint converts out of range).
bool is_whole_number(const json& value) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>() <= std::uint64_t(INT64_MAX);
  if (value.is_number_integer()) return true;
  if (!value.is_number_float()) return false;
  const double number = value.get<double>();
  return std::trunc(number) == number && number >= -9223372036854775808.0 && number < 9223372036854775808.0;
}

// "1 character", "2 characters".
std::string count_of(std::size_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

std::string field_list(const std::vector<Property>& properties) {
  std::string names;
  for (const auto& property : properties) names += (names.empty() ? "" : ", ") + property.name;
  return names;
}

void Checker::check(const Schema::Node& node, const json& value, const std::string& field) {
  switch (node.kind) {
    case Kind::string:
      if (!value.is_string()) return fail(field, "must be a string");
      return check_string(node.string_rules, value.get_ref<const std::string&>(), field);
    case Kind::integer:
      if (!is_whole_number(value)) return fail(field, "must be a whole number (64-bit)");
      return check_number(node.number_rules, value.get<double>(), field);
    case Kind::number:
      if (!value.is_number()) return fail(field, "must be a number");
      return check_number(node.number_rules, value.get<double>(), field);
    case Kind::boolean:
      if (!value.is_boolean()) fail(field, "must be true or false");
      return;
    case Kind::array: {
      if (!value.is_array()) return fail(field, "must be a JSON array");
      const auto& rules = node.array_rules;
      if (rules.min_items && value.size() < *rules.min_items)
        fail(field, "must have at least " + count_of(*rules.min_items, "item"));
      if (rules.max_items && value.size() > *rules.max_items)
        return fail(field, "must have at most " + count_of(*rules.max_items, "item"));
      for (std::size_t i = 0; i < value.size(); ++i)
        check(node.items->node(), value[i], field + "[" + std::to_string(i) + "]");
      return;
    }
    case Kind::object: return check_object(node, value, field);
  }
}

void Checker::check_string(const StringRules& rules, const std::string& text, const std::string& field) {
  const auto length = characters(text);
  if (rules.min_length && length < *rules.min_length)
    fail(field, "must be at least " + count_of(*rules.min_length, "character") + " long");
  if (rules.max_length && length > *rules.max_length)
    fail(field, "must be at most " + count_of(*rules.max_length, "character") + " long");
  if (!rules.one_of.empty() && std::find(rules.one_of.begin(), rules.one_of.end(), text) == rules.one_of.end()) {
    std::string allowed;
    for (const auto& choice : rules.one_of) allowed += (allowed.empty() ? "\"" : ", \"") + choice + "\"";
    fail(field, "must be one of " + allowed);
  }
}

void Checker::check_number(const NumberRules& rules, double number, const std::string& field) {
  if (rules.minimum && number < *rules.minimum) fail(field, "must be at least " + number_text(*rules.minimum));
  if (rules.maximum && number > *rules.maximum) fail(field, "must be at most " + number_text(*rules.maximum));
}

void Checker::check_object(const Schema::Node& node, const json& value, const std::string& field) {
  if (!value.is_object()) return fail(field, "must be a JSON object");
  const std::string prefix = field.empty() ? "" : field + ".";
  for (const auto& item : value.items()) {
    const std::string& key = item.key();  // not a structured binding: clang 14 cannot capture one
    const json& member = item.value();
    auto property =
        std::find_if(node.properties.begin(), node.properties.end(), [&](const Property& p) { return p.name == key; });
    if (property == node.properties.end()) {
      fail(prefix + key, "is not a field of " + (node.name.empty() ? std::string("this object") : node.name) + " (" +
                             field_list(node.properties) + ")");
      continue;
    }
    check(property->schema.node(), member, prefix + key);
  }
  for (const auto& property : node.properties)
    if (property.required && !value.contains(property.name)) fail(prefix + property.name, "is required");
  const auto& minimum = node.object_rules.min_properties;
  if (minimum && value.size() < *minimum)
    fail(field,
         "must have at least " + std::to_string(*minimum) + " of its fields (" + field_list(node.properties) + ")");
}

}  // namespace

std::vector<SchemaError> Schema::validate(const json& value) const { return detail::validate_at(*this, value, ""); }

std::vector<SchemaError> detail::validate_at(const Schema& schema, const json& value, const std::string& field) {
  Checker checker;
  checker.check(schema.node(), value, field);
  if (checker.more > 0)
    checker.errors.push_back({"", "and " + std::to_string(checker.more) + " more problems, not listed"});
  return std::move(checker.errors);
}

}  // namespace starling

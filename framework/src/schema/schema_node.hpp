#pragma once
// What a Schema declares: its kind, its rules, and what it holds.

#include <starling/schema.hpp>

namespace starling {

struct Schema::Node {
  enum class Kind { string, integer, number, boolean, array, object };
  Kind kind;
  StringRules string_rules;
  NumberRules number_rules;
  ArrayRules array_rules;
  ObjectRules object_rules;
  std::optional<Schema> items;
  std::vector<Property> properties;
  std::string name;
  std::string description;
};

namespace detail {

/// @throws HTTPException 422 whose detail lists `errors` as {"field", "message"} objects.
[[noreturn]] void reject(const std::vector<SchemaError>& errors);

/// Schema::validate, for a value found at `field` (a query parameter's name).
std::vector<SchemaError> validate_at(const Schema& schema, const json& value, const std::string& field);

}  // namespace detail
}  // namespace starling

// Building schemas, and writing them as JSON Schema.
#include "schema/schema_node.hpp"

#include <starling/exceptions.hpp>

#include <set>
#include <stdexcept>

namespace starling {
namespace {

using Kind = Schema::Node::Kind;

std::string_view type_name(Kind kind) {
  switch (kind) {
    case Kind::string: return "string";
    case Kind::integer: return "integer";
    case Kind::number: return "number";
    case Kind::boolean: return "boolean";
    case Kind::array: return "array";
    case Kind::object: return "object";
  }
  return "";
}

void add_number_rules(json& out, const NumberRules& rules) {
  if (rules.minimum) out["minimum"] = *rules.minimum;
  if (rules.maximum) out["maximum"] = *rules.maximum;
}

}  // namespace

Schema Schema::string(StringRules rules) {
  auto node = std::make_shared<Node>(Node{.kind = Kind::string});
  node->string_rules = std::move(rules);
  return Schema(std::move(node));
}

Schema Schema::integer(NumberRules rules) {
  return Schema(std::make_shared<Node>(Node{.kind = Kind::integer, .number_rules = rules}));
}

Schema Schema::number(NumberRules rules) {
  return Schema(std::make_shared<Node>(Node{.kind = Kind::number, .number_rules = rules}));
}

Schema Schema::boolean() { return Schema(std::make_shared<Node>(Node{.kind = Kind::boolean})); }

Schema Schema::array(Schema items, ArrayRules rules) {
  return Schema(std::make_shared<Node>(Node{.kind = Kind::array, .array_rules = rules, .items = std::move(items)}));
}

Schema Schema::object(std::vector<Property> properties, ObjectRules rules) {
  std::set<std::string> names;
  for (const auto& property : properties)
    if (!names.insert(property.name).second)
      throw std::invalid_argument("Schema::object: the property '" + property.name + "' is declared twice");
  return Schema(
      std::make_shared<Node>(Node{.kind = Kind::object, .object_rules = rules, .properties = std::move(properties)}));
}

Schema Schema::named(std::string name) const {
  auto node = std::make_shared<Node>(*node_);
  node->name = std::move(name);
  return Schema(std::move(node));
}

Schema Schema::described(std::string description) const {
  auto node = std::make_shared<Node>(*node_);
  node->description = std::move(description);
  return Schema(std::move(node));
}

const std::string& Schema::name() const { return node_->name; }

void Schema::check(const json& value) const {
  const auto errors = validate(value);
  if (!errors.empty()) detail::reject(errors);
}

void detail::reject(const std::vector<SchemaError>& errors) {
  json detail = json::array();
  for (const auto& error : errors) detail.push_back({{"field", error.field}, {"message", error.message}});
  throw HTTPException(422, std::move(detail));
}

json Schema::to_json(const std::string& ref_prefix) const {
  if (!ref_prefix.empty() && !node_->name.empty()) return {{"$ref", ref_prefix + node_->name}};
  return definition(ref_prefix);
}

json Schema::definition(const std::string& ref_prefix) const {
  const Node& node = *node_;
  json out = {{"type", type_name(node.kind)}};
  if (!node.description.empty()) out["description"] = node.description;
  switch (node.kind) {
    case Kind::string: {
      const auto& rules = node.string_rules;
      if (rules.min_length) out["minLength"] = *rules.min_length;
      if (rules.max_length) out["maxLength"] = *rules.max_length;
      if (!rules.one_of.empty()) out["enum"] = rules.one_of;
      if (!rules.format.empty()) out["format"] = rules.format;
      break;
    }
    case Kind::integer:
    case Kind::number: add_number_rules(out, node.number_rules); break;
    case Kind::boolean: break;
    case Kind::array:
      out["items"] = node.items->to_json(ref_prefix);
      if (node.array_rules.min_items) out["minItems"] = *node.array_rules.min_items;
      if (node.array_rules.max_items) out["maxItems"] = *node.array_rules.max_items;
      break;
    case Kind::object: {
      json properties = json::object();
      json required = json::array();
      for (const auto& property : node.properties) {
        properties[property.name] = property.schema.to_json(ref_prefix);
        if (property.required) required.push_back(property.name);
      }
      out["properties"] = std::move(properties);
      if (!required.empty()) out["required"] = std::move(required);
      out["additionalProperties"] = false;
      if (node.object_rules.min_properties) out["minProperties"] = *node.object_rules.min_properties;
      break;
    }
  }
  return out;
}

std::vector<Schema> Schema::named_schemas() const {
  std::vector<Schema> found;
  std::vector<Schema> pending{*this};
  while (!pending.empty()) {
    const Schema schema = pending.back();
    pending.pop_back();
    const Node& node = *schema.node_;
    if (!node.name.empty()) {
      bool seen = false;
      for (const auto& known : found) {
        if (known.name() != node.name) continue;
        if (known.node_ != schema.node_ && known.definition("#/").dump() != schema.definition("#/").dump())
          throw std::invalid_argument("two different schemas are both named '" + node.name + "'");
        seen = true;
      }
      if (seen) continue;
      found.push_back(schema);
    }
    if (node.items) pending.push_back(*node.items);
    for (const auto& property : node.properties) pending.push_back(property.schema);
  }
  return found;
}

}  // namespace starling

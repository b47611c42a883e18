#pragma once
/// @file schema.hpp
/// Declared JSON shapes: one Schema both checks what a client sent (422 naming
/// every field that is wrong, not just the first) and documents it (JSON Schema
/// 2020-12, as OpenAPI 3.1 uses; see openapi.hpp).
///
///     const Schema note = Schema::object({{"text", Schema::string({.max_length = 10000})},
///                                         {"completed", Schema::boolean()}}).named("Note");
///     Route("/notes", add_note, {"POST"}).body(note)   // checked before add_note runs

#include <starling/types.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace starling {

/// One problem with a value: where (`text`, `tags[2]`, `[0].text`; "" for the
/// value itself) and what, in words that name it.
struct SchemaError {
  std::string field;
  std::string message;
};

struct StringRules {
  std::optional<std::size_t> min_length;  ///< in characters (UTF-8 code points)
  std::optional<std::size_t> max_length;
  std::vector<std::string> one_of;  ///< the only values allowed (JSON Schema's enum); empty: any
  std::string format;               ///< documented only: "date-time", "uuid", "email"...
};

struct NumberRules {
  std::optional<double> minimum;
  std::optional<double> maximum;
};

struct ArrayRules {
  std::optional<std::size_t> min_items;
  std::optional<std::size_t> max_items;
};

struct Property;

struct ObjectRules {
  /// The fewest properties a value must have (1 for a PATCH that must change something).
  std::optional<std::size_t> min_properties;
};

/// A JSON shape. Copies are cheap and share the declaration.
class Schema {
 public:
  static Schema string(StringRules rules = {});
  /// A whole number (3 and 3.0, not 3.5 nor "3").
  static Schema integer(NumberRules rules = {});
  static Schema number(NumberRules rules = {});
  /// true or false: never 1, "yes" or null.
  static Schema boolean();
  static Schema array(Schema items, ArrayRules rules = {});
  /// An object with these properties and no others.
  /// @throws std::invalid_argument for a property named twice.
  static Schema object(std::vector<Property> properties, ObjectRules rules = {});

  /// The same shape under a name: OpenAPI lists it once in components/schemas.
  Schema named(std::string name) const;
  /// The same shape with a description (shown in the docs).
  Schema described(std::string description) const;

  /// Every problem `value` has; empty when it fits.
  std::vector<SchemaError> validate(const json& value) const;
  /// @throws HTTPException 422 whose detail lists every problem as
  /// `{"field": ..., "message": ...}` objects.
  void check(const json& value) const;
  /// The JSON Schema, named schemas inside it (and this one, if named) as
  /// `{"$ref": ref_prefix + name}` when `ref_prefix` is given, inline otherwise.
  json to_json(const std::string& ref_prefix = {}) const;
  /// This schema spelled out (never a `$ref` to itself), named ones inside as
  /// `$ref`s: what OpenAPI lists under components/schemas.
  json definition(const std::string& ref_prefix) const;

  const std::string& name() const;
  /// This schema and every named schema inside it, each once.
  std::vector<Schema> named_schemas() const;

  struct Node;
  const Node& node() const { return *node_; }

 private:
  explicit Schema(std::shared_ptr<const Node> node) : node_(std::move(node)) {}
  std::shared_ptr<const Node> node_;
};

struct Property {
  std::string name;
  Schema schema;
  bool required = true;
};

}  // namespace starling

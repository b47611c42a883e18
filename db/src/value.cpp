#include <starling/db/value.hpp>

#include <nlohmann/json.hpp>

namespace starling::db {

std::string_view type_name(ValueType type) {
  switch (type) {
    case ValueType::null: return "NULL";
    case ValueType::boolean: return "BOOLEAN";
    case ValueType::integer: return "INTEGER";
    case ValueType::real: return "REAL";
    case ValueType::text: return "TEXT";
    case ValueType::blob: return "BLOB";
    case ValueType::json: return "JSON";
  }
  return "?";
}

Value Value::from_json(const nlohmann::json& json) {
  switch (json.type()) {
    case nlohmann::json::value_t::null: return Value();
    case nlohmann::json::value_t::boolean: return Value(json.get<bool>());
    case nlohmann::json::value_t::number_integer: return Value(json.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned: {
      const auto number = json.get<std::uint64_t>();
      if (!std::in_range<std::int64_t>(number)) throw TypeError("JSON number " + json.dump() + " does not fit a 64-bit integer");
      return Value(static_cast<std::int64_t>(number));
    }
    case nlohmann::json::value_t::number_float: return Value(json.get<double>());
    case nlohmann::json::value_t::string: return Value(json.get<std::string>());
    default: return Value(JsonText{json.dump()});
  }
}

void Value::mismatch(std::string_view what, std::string_view wanted) const {
  throw TypeError(std::string(what) + " is " + std::string(type_name(type())) + ", which cannot be read as " +
                  std::string(wanted));
}

bool Value::as_bool(std::string_view what) const {
  if (const auto* value = std::get_if<bool>(&data_)) return *value;
  // SQLite stores booleans as 0/1 integers.
  if (const auto* value = std::get_if<std::int64_t>(&data_); value && (*value == 0 || *value == 1)) return *value == 1;
  mismatch(what, "bool");
}

std::int64_t Value::as_int64(std::string_view what) const {
  if (const auto* value = std::get_if<std::int64_t>(&data_)) return *value;
  mismatch(what, "an integer");
}

double Value::as_double(std::string_view what) const {
  if (const auto* value = std::get_if<double>(&data_)) return *value;
  if (const auto* value = std::get_if<std::int64_t>(&data_)) return static_cast<double>(*value);
  mismatch(what, "a floating-point number");
}

std::string Value::as_string(std::string_view what) const {
  if (const auto* value = std::get_if<std::string>(&data_)) return *value;
  if (const auto* value = std::get_if<JsonText>(&data_)) return value->text;
  mismatch(what, "std::string");
}

Blob Value::as_blob(std::string_view what) const {
  if (const auto* value = std::get_if<Blob>(&data_)) return *value;
  mismatch(what, "a blob");
}

nlohmann::json Value::to_json() const {
  switch (type()) {
    case ValueType::null: return nullptr;
    case ValueType::boolean: return std::get<bool>(data_);
    case ValueType::integer: return std::get<std::int64_t>(data_);
    case ValueType::real: return std::get<double>(data_);
    case ValueType::text: return std::get<std::string>(data_);
    case ValueType::blob: return nlohmann::json::binary(std::get<Blob>(data_));
    case ValueType::json: {
      // A column holds what was stored; text that is not JSON stays a string.
      auto parsed = nlohmann::json::parse(std::get<JsonText>(data_).text, nullptr, false);
      if (parsed.is_discarded()) return std::get<JsonText>(data_).text;
      return parsed;
    }
  }
  return nullptr;
}

void to_json(nlohmann::json& json, const Value& value) { json = value.to_json(); }

}  // namespace starling::db

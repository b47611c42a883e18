// Values checked against their columns' types as the builder binds them, so
// that what PostgreSQL would refuse and SQLite would store as given fails on
// both, naming the column (never the value: it may be private).
#include <starling/db/schema.hpp>

#include "query/sql_writer.hpp"
#include "schema/table_data.hpp"

#include <algorithm>
#include <cctype>

namespace starling::db::detail {

namespace {

// 8-4-4-4-12 hex digits, either case.
bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

// A UUID in the form PostgreSQL gives back: lower case.
Value uuid_value(const TableData& table, std::size_t index, const Value& value) {
  const std::string text = value.type() == ValueType::text ? value.as<std::string>() : std::string();
  if (!is_uuid(text))
    throw DataError("column " + describe_column(table, index) +
                    " takes a UUID (8-4-4-4-12 hex digits); the value given is not one");
  std::string lower = text;
  std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return Value(std::move(lower));
}

// An instant stored as UTC: an offset in the text is applied.
Value instant_value(const TableData& table, std::size_t index, const Value& value) {
  try {
    return Value(value.as<std::chrono::sys_time<std::chrono::microseconds>>());
  } catch (const TypeError&) {
    throw DataError("column " + describe_column(table, index) +
                    " takes a timestamp (ISO 8601, an offset or Z for another zone than UTC); the value given is "
                    "not one");
  }
}

}  // namespace

Values checked_values(const TableData& table, Values values) {
  for (auto& [name, value] : values) {
    const auto index = table.find(name);
    if (!index || value.is_null()) continue;  // unknown names are reported by merge_values
    switch (table.columns[*index].type().kind) {
      case TypeKind::uuid: value = uuid_value(table, *index, value); break;
      case TypeKind::date_time_tz: value = instant_value(table, *index, value); break;
      default: break;
    }
  }
  return values;
}

}  // namespace starling::db::detail

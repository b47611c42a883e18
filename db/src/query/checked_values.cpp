// Values checked against their columns' types as the builder binds them, so
// that what PostgreSQL would refuse and SQLite would store as given fails on
// both, naming the column (never the value: it may be private).
#include <starling/db/schema.hpp>

#include "decimal_text.hpp"
#include "query/node.hpp"
#include "query/sql_writer.hpp"
#include "schema/table_data.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>

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

// ISO text of a date and time without zone (a date alone is midnight), or none.
// A zone is refused: PostgreSQL drops it from a TIMESTAMP or DATE, SQLite would keep it.
std::optional<std::chrono::sys_time<std::chrono::microseconds>> local_time(const Value& value) {
  const std::string text = value.type() == ValueType::text ? value.as<std::string>() : std::string();
  const bool zoned = text.size() > 10 && text.find_first_of("Z+-", 10) != std::string::npos;
  try {
    if (!zoned) return value.as<std::chrono::sys_time<std::chrono::microseconds>>();
  } catch (const TypeError&) {
  }
  return std::nullopt;
}

// A time without zone, in the form a bound std::chrono time takes.
Value local_time_value(const TableData& table, std::size_t index, const Value& value) {
  if (const auto time = local_time(value)) return Value(*time);
  throw DataError("column " + describe_column(table, index) +
                  " takes a date and time without zone (ISO 8601, no offset: use DateTime(with_timezone) for "
                  "instants); the value given is not one");
}

// A calendar date as ISO text, which both backends compare alike. A time of
// day (a std::chrono::sys_days binds as midnight) is dropped, as PostgreSQL does.
Value date_value(const TableData& table, std::size_t index, const Value& value) {
  if (const auto time = local_time(value))
    return Value(std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(*time)));
  throw DataError("column " + describe_column(table, index) +
                  " takes a date (ISO 8601, YYYY-MM-DD, a time of day without zone is dropped); the value given is "
                  "not one");
}

// One of the enum's choices, as given.
Value choice_value(const TableData& table, std::size_t index, const Value& value) {
  const auto& choices = table.columns[index].type().choices;
  if (value.type() == ValueType::text && std::ranges::find(choices, value.as<std::string>()) != choices.end())
    return value;
  std::string listed;
  for (const auto& choice : choices) listed += (listed.empty() ? "'" : ", '") + choice + "'";
  throw DataError("column " + describe_column(table, index) + " takes one of " + listed +
                  "; the value given is not one of them");
}

// The number as decimal text; a double by its shortest exact form; "" for what is no number.
std::string number_text(const Value& value) {
  switch (value.type()) {
    case ValueType::integer: return std::to_string(value.as<std::int64_t>());
    case ValueType::real: {
      char text[32];
      const auto number = value.as<double>();
      if (!std::isfinite(number)) return "";
      return std::string(text, std::to_chars(text, text + sizeof text, number).ptr);
    }
    case ValueType::text:
    case ValueType::decimal: return value.as<std::string>();
    default: return "";
  }
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// An exact decimal, rounded to the column's scale as PostgreSQL would; one
// with more digits before the point than NUMERIC(p, s) has room for fails on
// both backends, as PostgreSQL's "numeric field overflow" does.
Value numeric_value(const TableData& table, std::size_t index, const Value& value) {
  const auto number = parse_decimal(trimmed(number_text(value)));  // PostgreSQL takes " 12.5 " too
  const auto& type = table.columns[index].type();
  if (!number)
    throw DataError("column " + describe_column(table, index) + " takes a number; the value given is not one");
  if (type.precision == 0) return Value(Decimal{number->text()});
  const auto rounded = number->rounded(type.scale);
  if (rounded.integer_digits() > type.precision - type.scale)
    throw DataError("column " + describe_column(table, index) + " is NUMERIC(" + std::to_string(type.precision) + ", " +
                    std::to_string(type.scale) + "), with room for " + std::to_string(type.precision - type.scale) +
                    " digits before the point; the value given has more");
  return Value(Decimal{rounded.text()});
}

}  // namespace

Value checked_value(const TableData& table, std::size_t index, const Value& value) {
  if (value.is_null()) return value;
  switch (table.columns[index].type().kind) {
    case TypeKind::uuid: return uuid_value(table, index, value);
    case TypeKind::date_time_tz: return instant_value(table, index, value);
    case TypeKind::date_time: return local_time_value(table, index, value);
    case TypeKind::date: return date_value(table, index, value);
    case TypeKind::enum_: return choice_value(table, index, value);
    case TypeKind::numeric: return numeric_value(table, index, value);
    default: return value;
  }
}

Values checked_values(const TableData& table, Values values) {
  for (auto& [name, value] : values)
    if (const auto index = table.find(name))
      value = checked_value(table, *index, value);  // unknown names: merge_values
  return values;
}

Value compared_with(const Expression& operand, const Value& value) {
  const Node& column = *operand.node();
  if (column.kind != Node::Kind::column) return value;
  switch (column.table->columns[column.index].type().kind) {
    case TypeKind::uuid:
    case TypeKind::date_time_tz:
    case TypeKind::date_time:
    case TypeKind::date: return checked_value(*column.table, column.index, value);
    default: return value;  // an enum or a number compares as given: rounding would change the answer
  }
}

Expression compared_with(const Expression& operand, const Expression& compared) {
  const Node& literal = *compared.node();
  if (literal.kind != Node::Kind::literal) return compared;
  return Expression(compared_with(operand, literal.value));
}

}  // namespace starling::db::detail

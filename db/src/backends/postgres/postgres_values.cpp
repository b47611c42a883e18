#include "backends/postgres/postgres_values.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cmath>
#include <cstddef>
#include <new>

namespace starling::db::backend::postgres {
namespace {

// Type OIDs from pg_type.h (stable across PostgreSQL versions).
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kJson = 114, kFloat4 = 700,
              kFloat8 = 701, kNumeric = 1700, kJsonb = 3802;

std::string format_double(double number) {
  if (std::isnan(number)) return "NaN";
  if (std::isinf(number)) return number > 0 ? "Infinity" : "-Infinity";
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, number).ptr;  // shortest exact form
  return std::string(buffer, end);
}

std::string hex_bytea(const Blob& blob) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text = "\\x";
  text.reserve(2 + blob.size() * 2);
  for (const auto byte : blob) {
    text += kDigits[byte >> 4];
    text += kDigits[byte & 0xF];
  }
  return text;
}

// The server writes "1.5", "NaN", "-Infinity" whatever the program's locale;
// from_chars reads them so too (strtod would stop at the '.' under a comma locale).
double read_double(const char* text, std::size_t size) {
  double number = 0;
  std::from_chars(text, text + size, number);
  return number;
}

Value read_text(const char* text, std::size_t size, Oid type) {
  switch (type) {
    case kBool: return Value(text[0] == 't');
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid: {
      std::int64_t number = 0;
      std::from_chars(text, text + size, number);
      return Value(number);
    }
    case kFloat4:
    case kFloat8: return Value(read_double(text, size));
    case kNumeric: return Value(Decimal{std::string(text, size)});  // exact
    case kJson:
    case kJsonb: return Value(JsonText{std::string(text, size)});
    case kBytea: {
      std::size_t length = 0;
      auto* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &length);
      if (!bytes) throw std::bad_alloc();
      Value value(Blob(bytes, bytes + length));
      PQfreemem(bytes);
      return value;
    }
    default: return Value(std::string(text, size));  // text, varchar, dates and times as ISO text, ...
  }
}

// The server's primary message only: DETAIL lines can quote the offending values.
std::string first_line(const std::string& message) {
  std::string line = message.substr(0, message.find('\n'));
  if (line.rfind("ERROR:  ", 0) == 0) line.erase(0, 8);
  return line;
}

// A data error's message can quote the value that failed (`invalid input
// syntax for type integer: "hunter2"`, `value "99999999999" is out of range`,
// `invalid byte sequence ...: 0x00`): the quoted text and bytes are left out,
// as bound values are from every message.
std::string without_values(const std::string& line) {
  std::string out;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') {
      const auto close = line.find('"', i + 1);
      if (close == std::string::npos) break;  // cut off: leave the rest out
      out += "\"...\"";
      i = close;
    } else if (line.compare(i, 2, "0x") == 0 && (i == 0 || line[i - 1] == ' ')) {
      out += "...";
      while (i + 1 < line.size() && line[i + 1] != ',' && line[i + 1] != ';' && line[i + 1] != '\n') ++i;
    } else {
      out += line[i];
    }
  }
  return out;
}

}  // namespace

std::vector<std::optional<std::string>> to_parameters(const std::vector<Value>& params) {
  std::vector<std::optional<std::string>> texts;
  texts.reserve(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    const Value& value = params[i];
    switch (value.type()) {
      case ValueType::null: texts.emplace_back(); break;
      case ValueType::boolean: texts.emplace_back(value.as<bool>() ? "true" : "false"); break;
      case ValueType::integer: texts.emplace_back(std::to_string(value.as<std::int64_t>())); break;
      case ValueType::real: texts.emplace_back(format_double(value.as<double>())); break;
      case ValueType::blob: texts.emplace_back(hex_bytea(value.as<Blob>())); break;
      case ValueType::text:
      case ValueType::json:
      case ValueType::decimal: {
        auto text = value.as<std::string>();
        if (text.find('\0') != std::string::npos)
          throw DataError("parameter $" + std::to_string(i + 1) +
                          " contains a NUL character (U+0000), which PostgreSQL text cannot store");
        texts.emplace_back(std::move(text));
        break;
      }
    }
  }
  return texts;
}

Columns column_names(const pg_result* result) {
  std::vector<std::string> names;
  const int count = PQnfields(result);
  names.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) names.emplace_back(PQfname(result, i));
  return make_columns(std::move(names));
}

bool same_columns(const pg_result* result, const Columns& columns) {
  if (!columns || static_cast<std::size_t>(PQnfields(result)) != columns->size()) return false;
  for (int i = 0; i < PQnfields(result); ++i)
    if ((*columns)[static_cast<std::size_t>(i)] != PQfname(result, i)) return false;
  return true;
}

std::vector<Row> read_rows(const pg_result* result, const Columns& columns) {
  const int width = PQnfields(result);
  const int height = PQntuples(result);
  std::vector<Oid> types;
  types.reserve(static_cast<std::size_t>(width));
  for (int i = 0; i < width; ++i) types.push_back(PQftype(result, i));
  std::vector<Row> rows;
  rows.reserve(static_cast<std::size_t>(height));
  for (int r = 0; r < height; ++r) {
    std::vector<Value> values;
    values.reserve(types.size());
    for (int i = 0; i < width; ++i) {
      if (PQgetisnull(result, r, i))
        values.emplace_back();
      else
        values.push_back(read_text(PQgetvalue(result, r, i), static_cast<std::size_t>(PQgetlength(result, r, i)),
                                   types[static_cast<std::size_t>(i)]));
    }
    rows.emplace_back(columns, std::move(values));
  }
  return rows;
}

void throw_for_state(const std::string& message, ErrorDetails details, bool& broken) {
  const std::string state = details.sqlstate;
  const std::string kind = state.substr(0, 2);
  const std::string line = first_line(message);
  if (state == "23505") throw UniqueViolation(line, std::move(details));
  if (state == "23503") throw ForeignKeyViolation(line, std::move(details));
  if (state == "23502") throw NotNullViolation(line, std::move(details));
  if (kind == "23") throw IntegrityError(line, std::move(details));
  if (kind == "22") throw DataError(without_values(line), std::move(details));
  if (kind == "42") throw ProgrammingError(line, std::move(details));
  // Connection exceptions, and the server shutting down or terminating this backend.
  if (kind == "08" || state == "57P01" || state == "57P02" || state == "57P03") {
    broken = true;
    throw ConnectionError(line, std::move(details));
  }
  throw OperationalError(line, std::move(details));
}

}  // namespace starling::db::backend::postgres

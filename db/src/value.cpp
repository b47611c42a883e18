#include <starling/db/value.hpp>

#include <nlohmann/json.hpp>

#include <cctype>
#include <charconv>
#include <cstdio>
#include <optional>

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
    case ValueType::decimal: return "DECIMAL";
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
      if (!std::in_range<std::int64_t>(number))
        throw TypeError("JSON number " + json.dump() + " does not fit a 64-bit integer");
      return Value(static_cast<std::int64_t>(number));
    }
    case nlohmann::json::value_t::number_float: return Value(json.get<double>());
    case nlohmann::json::value_t::string: return Value(json.get<std::string>());
    default: return Value(JsonText{json.dump()});
  }
}

std::size_t Value::data_size() const {
  switch (type()) {
    case ValueType::text: return std::get<std::string>(data_).size();
    case ValueType::blob: return 2 * std::get<Blob>(data_).size();  // sent as hex text on PostgreSQL
    case ValueType::json: return std::get<JsonText>(data_).text.size();
    case ValueType::decimal: return std::get<Decimal>(data_).text.size();
    default: return 8;
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

namespace {

// A decimal's integer value: digits with an optional sign and a fraction of
// zeros only ("12", "-3.00"); none when it has a fraction or does not fit.
std::optional<std::int64_t> whole_number(std::string_view text) {
  const auto point = text.find('.');
  const auto fraction = point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
  if (fraction.find_first_not_of('0') != std::string_view::npos) return std::nullopt;
  auto whole = text.substr(0, point);
  if (!whole.empty() && whole.front() == '+') whole.remove_prefix(1);
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(whole.data(), whole.data() + whole.size(), number);
  if (error != std::errc() || end != whole.data() + whole.size() || whole.empty()) return std::nullopt;
  return number;
}

// A decimal's nearest double, whatever the locale's decimal point;
// PostgreSQL also writes NaN, Infinity and -Infinity.
std::optional<double> nearest_double(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return number;
}

// Reads ISO dates and timestamps as databases write them: "2024-02-29",
// "2024-02-29 13:14:15.25", a 'T' for the space, and a zone ("Z", "+01",
// "-05:30") that is applied, so the answer is UTC.
class IsoReader {
 public:
  explicit IsoReader(std::string_view text) : text_(text) {}

  std::optional<std::chrono::year_month_day> date() {
    int year = 0, month = 0, day = 0;
    if (!number(4, year) || !literal('-') || !number(2, month) || !literal('-') || !number(2, day)) return std::nullopt;
    const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                                           std::chrono::day(static_cast<unsigned>(day))};
    if (!date.ok()) return std::nullopt;
    return date;
  }

  std::optional<std::chrono::sys_time<std::chrono::microseconds>> time() {
    using namespace std::chrono;
    const auto day = date();
    if (!day) return std::nullopt;
    sys_time<microseconds> result = sys_days(*day);
    if (literal(' ') || literal('T')) {
      int hours = 0, minutes = 0, seconds = 0;
      if (!number(2, hours) || !literal(':') || !number(2, minutes) || hours > 23 || minutes > 59) return std::nullopt;
      if (literal(':') && (!number(2, seconds) || seconds > 60)) return std::nullopt;
      result += std::chrono::hours(hours) + std::chrono::minutes(minutes) + std::chrono::seconds(seconds);
      if (literal('.')) {
        std::int64_t micros = 0;
        int digits = 0;
        for (; at_digit(); ++digits, ++position_)
          if (digits < 6) micros = micros * 10 + (text_[position_] - '0');
        if (digits == 0) return std::nullopt;
        for (; digits < 6; ++digits) micros *= 10;
        result += microseconds(micros);
      }
    }
    if (literal('Z')) return done() ? std::optional(result) : std::nullopt;
    if (at('+') || at('-')) {
      const int sign = text_[position_++] == '-' ? -1 : 1;
      int hours = 0, minutes = 0;
      if (!number(2, hours)) return std::nullopt;
      if (literal(':') || at_digit())
        if (!number(2, minutes)) return std::nullopt;
      result -= sign * (std::chrono::hours(hours) + std::chrono::minutes(minutes));  // local = UTC + offset
    }
    return done() ? std::optional(result) : std::nullopt;
  }

  bool done() const { return position_ == text_.size(); }

 private:
  bool at(char c) const { return position_ < text_.size() && text_[position_] == c; }
  bool at_digit() const {
    return position_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[position_]));
  }
  bool literal(char c) {
    if (!at(c)) return false;
    ++position_;
    return true;
  }
  bool number(std::size_t width, int& value) {
    if (position_ + width > text_.size()) return false;
    const char* first = text_.data() + position_;
    const auto [end, error] = std::from_chars(first, first + width, value);
    if (error != std::errc() || end != first + width || value < 0) return false;
    position_ += width;
    return true;
  }

  std::string_view text_;
  std::size_t position_ = 0;
};

}  // namespace

std::string Value::timestamp_text(std::chrono::sys_time<std::chrono::microseconds> time) {
  using namespace std::chrono;
  const auto day = floor<days>(time);
  const hh_mm_ss clock(time - day);
  char text[64];
  const int length =
      std::snprintf(text, sizeof text, "%s %02d:%02d:%02d.%06lld", date_text(year_month_day(day)).c_str(),
                    static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                    static_cast<int>(clock.seconds().count()), static_cast<long long>(clock.subseconds().count()));
  // A whole second without its ".000000", as SQLite's CURRENT_TIMESTAMP writes
  // it: equal times are then equal text, and text still sorts as time does.
  const bool whole_second = clock.subseconds().count() == 0;
  return std::string(text, static_cast<std::size_t>(length) - (whole_second ? 7 : 0));
}

std::string Value::date_text(std::chrono::year_month_day date) {
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()));
  return text;
}

std::chrono::sys_time<std::chrono::microseconds> Value::as_time(std::string_view what) const {
  const auto* text = std::get_if<std::string>(&data_);
  if (!text) mismatch(what, "a timestamp");
  if (const auto time = IsoReader(*text).time()) return *time;
  throw TypeError(std::string(what) + " is text that is not an ISO date or timestamp");
}

std::chrono::year_month_day Value::as_date(std::string_view what) const {
  const auto* text = std::get_if<std::string>(&data_);
  if (!text) mismatch(what, "a date");
  IsoReader reader(*text);
  if (const auto date = reader.date(); date && reader.done()) return *date;
  throw TypeError(std::string(what) + " is text that is not an ISO date");
}

std::int64_t Value::as_int64(std::string_view what) const {
  if (const auto* value = std::get_if<std::int64_t>(&data_)) return *value;
  if (const auto* value = std::get_if<Decimal>(&data_))
    if (const auto number = whole_number(value->text)) return *number;
  mismatch(what, "an integer");
}

double Value::as_double(std::string_view what) const {
  if (const auto* value = std::get_if<double>(&data_)) return *value;
  if (const auto* value = std::get_if<std::int64_t>(&data_)) return static_cast<double>(*value);
  if (const auto* value = std::get_if<Decimal>(&data_))
    if (const auto number = nearest_double(value->text)) return *number;
  mismatch(what, "a floating-point number");
}

std::string Value::as_string(std::string_view what) const {
  if (const auto* value = std::get_if<std::string>(&data_)) return *value;
  if (const auto* value = std::get_if<JsonText>(&data_)) return value->text;
  if (const auto* value = std::get_if<Decimal>(&data_)) return value->text;
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
    case ValueType::decimal: {
      // A JSON number, as JSON readers take numbers (an integer stays exact);
      // text that is no JSON number (NaN, Infinity) stays a string.
      const auto& text = std::get<Decimal>(data_).text;
      auto parsed = nlohmann::json::parse(text, nullptr, false);
      if (parsed.is_number()) return parsed;
      return text;
    }
  }
  return nullptr;
}

void to_json(nlohmann::json& json, const Value& value) { json = value.to_json(); }

}  // namespace starling::db

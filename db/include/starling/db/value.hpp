#pragma once
/// @file value.hpp
/// Value: one SQL value (NULL, boolean, integer, real, text, blob, JSON or an
/// exact decimal), as bound to a query parameter or read from a result column.

#include <starling/db/errors.hpp>

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace starling::db {

using Blob = std::vector<std::uint8_t>;

/// A JSON document as text: what a JSON/JSONB column holds. Converts back to
/// the document (not to a JSON string) in Value::to_json.
struct JsonText {
  std::string text;
  friend bool operator==(const JsonText&, const JsonText&) = default;
};

/// An exact decimal number as text, what a NUMERIC column holds: "12.50".
/// Reads as a double too (rounded), as an integer when it has no fraction, and
/// as its exact text with as<std::string>(); a JSON number in Value::to_json.
/// On SQLite a NUMERIC column stores an INTEGER or a REAL (its affinity), so
/// only PostgreSQL keeps digits beyond a double's.
struct Decimal {
  std::string text;
  friend bool operator==(const Decimal&, const Decimal&) = default;
};

enum class ValueType { null, boolean, integer, real, text, blob, json, decimal };

/// The SQL-ish name of a type, for messages ("NULL", "BOOLEAN", "INTEGER", ...).
std::string_view type_name(ValueType type);

class Value {
 public:
  Value() = default;  ///< NULL
  Value(std::nullptr_t) {}
  Value(bool value) : data_(value) {}
  template <std::integral T>
  requires(!std::same_as<T, bool> && !std::same_as<T, char>) Value(T value) : data_(static_cast<std::int64_t>(value)) {}
  Value(double value) : data_(value) {}
  Value(std::string value) : data_(std::move(value)) {}
  Value(std::string_view value) : data_(std::string(value)) {}
  Value(const char* value) : data_(std::string(value)) {}
  Value(Blob value) : data_(std::move(value)) {}
  Value(JsonText value) : data_(std::move(value)) {}
  Value(Decimal value) : data_(std::move(value)) {}
  /// A point in time, as ISO text in UTC ("2024-02-29 13:14:15.250000", or
  /// "2024-02-29 13:14:15" for a whole second): what both databases take for a
  /// TIMESTAMP (PostgreSQL sessions run in UTC).
  template <class Duration>
  Value(std::chrono::sys_time<Duration> time)
      : data_(timestamp_text(std::chrono::floor<std::chrono::microseconds>(time))) {}
  /// A calendar date, as ISO text ("2024-02-29").
  Value(std::chrono::year_month_day date) : data_(date_text(date)) {}
  template <class T>
  Value(const std::optional<T>& value) {
    if (value) *this = Value(*value);
  }

  /// From JSON: null, bool, numbers and strings map to themselves; arrays and
  /// objects become JsonText (for JSON columns).
  /// @throws TypeError for an unsigned number past the int64 range.
  static Value from_json(const nlohmann::json& json);

  ValueType type() const { return static_cast<ValueType>(data_.index()); }
  bool is_null() const { return type() == ValueType::null; }

  /// The value as `T`: bool, integers (range-checked), double, std::string, Blob,
  /// or std::optional of those (NULL → nullopt). An INTEGER 0/1 reads as bool
  /// (SQLite has no boolean type); an INTEGER reads as double; JSON reads as
  /// its text with std::string. Dates and timestamps come as ISO text and read
  /// as std::chrono::sys_time<D> (a zone offset in the text is applied: UTC) or
  /// std::chrono::year_month_day.
  /// @throws TypeError naming both types (`what` names the column, if given).
  template <class T>
  T as(std::string_view what = "value") const {
    if constexpr (is_optional<T>::value) {
      if (is_null()) return std::nullopt;
      return as<typename T::value_type>(what);
    } else if constexpr (std::same_as<T, bool>) {
      return as_bool(what);
    } else if constexpr (std::integral<T>) {
      return narrow<T>(as_int64(what), what);
    } else if constexpr (std::floating_point<T>) {
      return static_cast<T>(as_double(what));
    } else if constexpr (std::same_as<T, std::string>) {
      return as_string(what);
    } else if constexpr (is_sys_time<T>::value) {
      return std::chrono::floor<typename T::duration>(as_time(what));
    } else if constexpr (std::same_as<T, std::chrono::year_month_day>) {
      return as_date(what);
    } else {
      static_assert(std::same_as<T, Blob>,
                    "Value::as<T>: T is bool, an integer, a floating type, "
                    "std::string, Blob, std::chrono::sys_time, "
                    "std::chrono::year_month_day, or std::optional of one");
      return as_blob(what);
    }
  }

  nlohmann::json to_json() const;

  /// About how many bytes the value takes to send: its text's or blob's length,
  /// 8 for a number (the runtime caps how much several statements send at once).
  std::size_t data_size() const;

  friend bool operator==(const Value&, const Value&) = default;

 private:
  template <class T>
  struct is_optional : std::false_type {};
  template <class T>
  struct is_optional<std::optional<T>> : std::true_type {};
  template <class T>
  struct is_sys_time : std::false_type {};
  template <class Duration>
  struct is_sys_time<std::chrono::sys_time<Duration>> : std::true_type {};

  static std::string timestamp_text(std::chrono::sys_time<std::chrono::microseconds> time);
  static std::string date_text(std::chrono::year_month_day date);
  std::chrono::sys_time<std::chrono::microseconds> as_time(std::string_view what) const;
  std::chrono::year_month_day as_date(std::string_view what) const;

  bool as_bool(std::string_view what) const;
  std::int64_t as_int64(std::string_view what) const;
  double as_double(std::string_view what) const;
  std::string as_string(std::string_view what) const;
  Blob as_blob(std::string_view what) const;
  template <class T>
  T narrow(std::int64_t value, std::string_view what) const {
    if (!std::in_range<T>(value)) mismatch(what, "a smaller integer type (out of range)");
    return static_cast<T>(value);
  }
  [[noreturn]] void mismatch(std::string_view what, std::string_view wanted) const;

  std::variant<std::monostate, bool, std::int64_t, double, std::string, Blob, JsonText, Decimal> data_;
};

/// nlohmann::json conversion: `json j = row["text"];`
void to_json(nlohmann::json& json, const Value& value);

}  // namespace starling::db

#pragma once
// Decimal numbers as text, exactly: what a NUMERIC column takes and gives
// back. Parsing, rounding to a scale and counting digits never go through a
// double, so no digit is lost on the way to the database.

#include <optional>
#include <string>
#include <string_view>

namespace starling::db::detail {

/// `digits` × 10^`exponent`, with neither leading nor trailing zeros in
/// `digits` (empty for zero).
struct DecimalText {
  bool negative = false;
  std::string digits;
  int exponent = 0;

  /// Digits before the point (0 for a number below 1).
  int integer_digits() const;
  /// Digits from the first non-zero one to the last.
  int significant_digits() const { return static_cast<int>(digits.size()); }
  /// Digits after the point.
  int fraction_digits() const { return exponent < 0 ? -exponent : 0; }
  /// Rounded to `scale` digits after the point, halves away from zero (as
  /// PostgreSQL rounds a NUMERIC(p, s)).
  DecimalText rounded(int scale) const;
  /// Plain notation, no exponent: "-12.5", "1000", "0.001", "0".
  std::string text() const;
};

/// `[+-]digits[.digits][e[+-]digits]` (or `.5`), as PostgreSQL reads a
/// NUMERIC; none for anything else (NaN and Infinity included).
std::optional<DecimalText> parse_decimal(std::string_view text);

}  // namespace starling::db::detail

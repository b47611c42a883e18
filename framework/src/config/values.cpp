// The casts behind Config::get<T>.
#include <starling/config.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>
#include <system_error>

namespace starling {
namespace {

std::string value_message(std::string_view key, std::string_view value, std::string_view problem) {
  return "Config '" + std::string(key) + "' has value '" + std::string(value) + "', which " + std::string(problem);
}

ConfigError not_a(std::string_view key, std::string_view value, std::string_view type_in_words) {
  return ConfigError(value_message(key, value, "is not a valid " + std::string(type_in_words)));
}

template <class Number>
ConfigError out_of_range(std::string_view key, std::string_view value, Number min, Number max) {
  return ConfigError(value_message(
      key, value,
      "is out of range for this integer type (" + std::to_string(min) + " to " + std::to_string(max) + ")"));
}

// Python's int() and float() accept a leading '+'; from_chars does not.
std::string_view without_plus(std::string_view text) {
  if (text.size() > 1 && text.front() == '+' && text[1] != '-' && text[1] != '+') text.remove_prefix(1);
  return text;
}

}  // namespace

namespace detail {

bool parse_bool(std::string_view key, std::string_view value) {
  std::string lower(value);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") return true;
  if (lower == "false" || lower == "0" || lower == "no" || lower == "off") return false;
  throw not_a(key, value, "boolean (expected true/false, 1/0, yes/no or on/off)");
}

long long parse_signed(std::string_view key, std::string_view value, long long min, long long max) {
  const std::string_view digits = without_plus(value);
  long long result = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), result);
  if (digits.empty() || error == std::errc::invalid_argument || end != digits.data() + digits.size())
    throw not_a(key, value, "integer");
  if (error == std::errc::result_out_of_range || result < min || result > max) throw out_of_range(key, value, min, max);
  return result;
}

unsigned long long parse_unsigned(std::string_view key, std::string_view value, unsigned long long max) {
  // from_chars rejects '-' for unsigned types; "-1" is out of range rather than gibberish.
  if (value.starts_with('-')) {
    const std::string_view digits = value.substr(1);
    const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), is_digit)) throw not_a(key, value, "integer");
    if (digits.find_first_not_of('0') == std::string_view::npos) return 0;
    throw out_of_range(key, value, 0ULL, max);
  }
  const std::string_view digits = without_plus(value);
  unsigned long long result = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), result);
  if (digits.empty() || error == std::errc::invalid_argument || end != digits.data() + digits.size())
    throw not_a(key, value, "integer");
  if (error == std::errc::result_out_of_range || result > max) throw out_of_range(key, value, 0ULL, max);
  return result;
}

template <std::floating_point T>
T parse_floating(std::string_view key, std::string_view value) {
  const std::string_view digits = without_plus(value);
  T result{};
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), result);
  if (digits.empty() || error == std::errc::invalid_argument || end != digits.data() + digits.size())
    throw not_a(key, value, "number");
  if (error == std::errc::result_out_of_range)
    throw ConfigError(value_message(key, value, "is out of range for this floating-point type"));
  return result;
}

template float parse_floating<float>(std::string_view, std::string_view);
template double parse_floating<double>(std::string_view, std::string_view);
template long double parse_floating<long double>(std::string_view, std::string_view);

ConfigError invalid_value(std::string_view key, std::string_view reason) {
  // No value in the message: the type's own reason names what it may show
  // (a DatabaseURL shows itself with the password obscured).
  return ConfigError("Config '" + std::string(key) + "' is not valid: " + std::string(reason));
}

}  // namespace detail
}  // namespace starling

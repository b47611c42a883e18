#include "decimal_text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace starling::db::detail {
namespace {

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Leading zeros dropped; trailing zeros moved into the exponent.
DecimalText normalized(DecimalText number) {
  const auto first = number.digits.find_first_not_of('0');
  if (first == std::string::npos) return DecimalText{};
  number.digits.erase(0, first);
  const auto last = number.digits.find_last_not_of('0');
  number.exponent += static_cast<int>(number.digits.size() - last - 1);
  number.digits.erase(last + 1);
  return number;
}

// A huge exponent would make text() write a huge string; no NUMERIC holds it.
constexpr int kLargestExponent = 100000;

}  // namespace

int DecimalText::integer_digits() const { return std::max(0, significant_digits() + exponent); }

DecimalText DecimalText::rounded(int scale) const {
  if (fraction_digits() <= scale) return *this;
  auto digits_ = digits;
  auto keep = static_cast<int>(digits_.size()) - (fraction_digits() - scale);
  if (keep < 0) {
    digits_.insert(0, static_cast<std::size_t>(-keep), '0');
    keep = 0;
  }
  const bool up = digits_[static_cast<std::size_t>(keep)] >= '5';
  std::string kept(1, '0');  // room for a carry
  kept.append(digits_, 0, static_cast<std::size_t>(keep));
  for (auto i = kept.size(); up && i-- > 0;) {
    if (kept[i] == '9') {
      kept[i] = '0';
    } else {
      ++kept[i];
      break;
    }
  }
  return normalized(DecimalText{negative, kept, -scale});
}

std::string DecimalText::text() const {
  if (digits.empty()) return "0";
  std::string out = negative ? "-" : "";
  if (exponent >= 0) return out + digits + std::string(static_cast<std::size_t>(exponent), '0');
  const int point = significant_digits() + exponent;
  if (point <= 0) return out + "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
  return out + digits.substr(0, static_cast<std::size_t>(point)) + "." + digits.substr(static_cast<std::size_t>(point));
}

std::optional<DecimalText> parse_decimal(std::string_view text) {
  DecimalText number;
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) number.negative = text[i++] == '-';
  bool any_digit = false;
  for (; i < text.size() && is_digit(text[i]); ++i, any_digit = true) number.digits += text[i];
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && is_digit(text[i]); ++i, any_digit = true) {
      number.digits += text[i];
      --number.exponent;
    }
  }
  if (!any_digit) return std::nullopt;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    auto exponent_text = text.substr(i + 1);
    if (!exponent_text.empty() && exponent_text.front() == '+') exponent_text.remove_prefix(1);
    int exponent = 0;
    const auto [end, error] =
        std::from_chars(exponent_text.data(), exponent_text.data() + exponent_text.size(), exponent);
    if (error != std::errc() || end != exponent_text.data() + exponent_text.size() || exponent_text.empty())
      return std::nullopt;
    if (exponent > kLargestExponent || exponent < -kLargestExponent) return std::nullopt;
    number.exponent += exponent;
    i = text.size();
  }
  if (i != text.size()) return std::nullopt;
  auto result = normalized(std::move(number));
  if (result.exponent > kLargestExponent || result.exponent < -kLargestExponent) return std::nullopt;
  return result;
}

}  // namespace starling::db::detail

#include "http_date.hpp"

#include <algorithm>
#include <string_view>

namespace starling {
namespace {

char* put_digits(char* out, int value, int count) {
  for (int i = count - 1; i >= 0; --i, value /= 10) out[i] = static_cast<char>('0' + value % 10);
  return out + count;
}

char* put(char* out, std::string_view text) { return std::copy(text.begin(), text.end(), out); }

constexpr std::string_view kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::optional<int> digits(std::string_view text) {
  int value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

void format_http_date(std::time_t seconds, char (&out)[kHttpDateSize]) {
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char* at = put(out, kDays[utc.tm_wday]);
  at = put_digits(put(at, ", "), utc.tm_mday, 2);
  at = put(put(at, " "), kMonths[utc.tm_mon]);
  at = put_digits(put(at, " "), (utc.tm_year + 1900) % 10000, 4);
  at = put_digits(put(at, " "), utc.tm_hour, 2);
  at = put_digits(put(at, ":"), utc.tm_min, 2);
  at = put_digits(put(at, ":"), utc.tm_sec, 2);
  put(at, " GMT");
}

std::string http_date(std::chrono::system_clock::time_point when) {
  char text[kHttpDateSize];
  format_http_date(std::chrono::system_clock::to_time_t(when), text);
  return std::string(text, kHttpDateSize);
}

std::optional<std::time_t> parse_http_date(std::string_view text) {
  // "Sun, 06 Nov 1994 08:49:37 GMT"
  if (text.size() != kHttpDateSize || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT")
    return std::nullopt;
  const auto month = std::find(std::begin(kMonths), std::end(kMonths), text.substr(8, 3));
  const auto day = digits(text.substr(5, 2));
  const auto year = digits(text.substr(12, 4));
  const auto hour = digits(text.substr(17, 2));
  const auto minute = digits(text.substr(20, 2));
  const auto second = digits(text.substr(23, 2));
  if (month == std::end(kMonths) || !day || !year || !hour || !minute || !second) return std::nullopt;
  if (*day < 1 || *day > 31 || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  std::tm utc{};
  utc.tm_year = *year - 1900;
  utc.tm_mon = static_cast<int>(month - std::begin(kMonths));
  utc.tm_mday = *day;
  utc.tm_hour = *hour;
  utc.tm_min = *minute;
  utc.tm_sec = *second;
  return timegm(&utc);
}

}  // namespace starling

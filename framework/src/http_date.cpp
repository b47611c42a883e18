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

}  // namespace

void format_http_date(std::time_t seconds, char (&out)[kHttpDateSize]) {
  static constexpr std::string_view kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
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

}  // namespace starling

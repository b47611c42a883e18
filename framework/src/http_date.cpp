#include "http_date.hpp"

#include <ctime>

namespace starling {

std::string http_date(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  // strftime's %a/%b follow the C locale, which is what HTTP wants.
  char text[40];
  const auto size = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return std::string(text, size);
}

}  // namespace starling

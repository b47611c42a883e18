#pragma once
// IMF-fixdate formatting for Date, Last-Modified and cookie expiry headers.

#include <chrono>
#include <string>

namespace starling {

/// "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 §5.6.7).
std::string http_date(std::chrono::system_clock::time_point when);

}  // namespace starling

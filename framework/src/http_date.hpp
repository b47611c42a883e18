#pragma once
// IMF-fixdate formatting for Date, Last-Modified and cookie expiry headers:
// the one formatter of the project (the server's cached Date uses it too).

#include <chrono>
#include <cstddef>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace starling {

/// The length of an IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
inline constexpr std::size_t kHttpDateSize = 29;

/// Writes `seconds` as an IMF-fixdate (RFC 9110 §5.6.7) into `out`, in English
/// whatever the C locale says (strftime's %a and %b would follow LC_TIME).
void format_http_date(std::time_t seconds, char (&out)[kHttpDateSize]);

/// "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(std::chrono::system_clock::time_point when);

/// Reads an IMF-fixdate (what every current client sends in If-Modified-Since);
/// nullopt for anything else, which callers then ignore, as RFC 9110 asks.
std::optional<std::time_t> parse_http_date(std::string_view text);

}  // namespace starling

#include "testclient/cookie_jar.hpp"

#include <strings.h>

#include <charconv>

namespace starling::testclient {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// A cookie whose Max-Age is zero or negative is deleted by the client.
bool expires_now(std::string_view attributes) {
  constexpr std::string_view kMaxAge = "max-age=";
  while (!attributes.empty()) {
    const auto semicolon = attributes.find(';');
    const auto attribute = trim(attributes.substr(0, semicolon));
    attributes = semicolon == std::string_view::npos ? std::string_view{} : attributes.substr(semicolon + 1);
    if (attribute.size() <= kMaxAge.size() || ::strncasecmp(attribute.data(), kMaxAge.data(), kMaxAge.size()) != 0)
      continue;
    long seconds = 1;
    const auto digits = attribute.substr(kMaxAge.size());
    std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
    if (seconds <= 0) return true;
  }
  return false;
}

}  // namespace

void CookieJar::update(const Headers& headers) {
  for (const auto header : headers.get_list("set-cookie")) {
    const auto semicolon = header.find(';');
    const auto pair = header.substr(0, semicolon);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string name(trim(pair.substr(0, eq)));
    const auto attributes = semicolon == std::string_view::npos ? std::string_view{} : header.substr(semicolon + 1);
    if (expires_now(attributes)) {
      cookies.erase(name);
    } else {
      cookies[name] = std::string(trim(pair.substr(eq + 1)));
    }
  }
}

}  // namespace starling::testclient

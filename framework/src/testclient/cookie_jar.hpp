#pragma once
// The cookies a TestClient keeps across requests.

#include <starling/datastructures.hpp>

#include <map>
#include <string>

namespace starling::testclient {

struct CookieJar {
  std::map<std::string, std::string> cookies;
  /// Applies every Set-Cookie of a response (Max-Age=0 or an empty value deletes).
  void update(const Headers& headers);
};

}  // namespace starling::testclient

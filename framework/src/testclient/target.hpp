#pragma once
// Where a TestClient request goes, and how it is put together.

#include <starling/request.hpp>
#include <starling/testclient.hpp>

#include <map>
#include <string>

namespace starling::testclient {

struct Target {
  std::string scheme = "http";
  std::string authority = "testserver";  // host[:port]
  std::string path = "/";                // raw, as it will be sent
  std::string query;

  /// `url` is absolute ("http://h/p?q") or relative to `base_url` ("/p?q").
  static Target resolve(std::string_view base_url, std::string_view url);
  /// The target of a redirect's Location.
  Target follow(std::string_view location) const;
  std::string url() const;
};

RequestParts build_request(std::string_view method, const Target& target, const RequestOptions& options,
                           const std::map<std::string, std::string>& jar, const std::string& client_host);

}  // namespace starling::testclient

#pragma once
// A request target in its parts, as Request and the server's head checks both
// read it: origin-form "/path?query" or absolute-form "http://host/path?query"
// (RFC 9112 §3.2). Nothing is decoded.

#include <string_view>

namespace starling::detail {

struct TargetParts {
  std::string_view authority;  ///< absolute-form's "host:port", else empty
  bool absolute = false;
  std::string_view path;   ///< may be empty (absolute-form without one)
  std::string_view query;  ///< after the first '?'; empty without one
};

TargetParts split_target(std::string_view target);

}  // namespace starling::detail

#pragma once
// JSON from a client, parsed with its nesting bounded: copying or printing a
// value recurses per level, so a body of nested brackets would overflow the
// stack later. Request::json() and WebSocket::receive_json() both parse here.

#include <starling/types.hpp>

#include <string>
#include <string_view>

namespace starling::detail {

inline constexpr int kMaxJsonDepth = 512;

/// The parsed value, or `error` saying why not (nlohmann's message without its prefix).
struct BoundedJson {
  json value;
  std::string error;  ///< empty when `value` holds the document
};

BoundedJson parse_bounded_json(std::string_view text);

}  // namespace starling::detail

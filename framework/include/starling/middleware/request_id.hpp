#pragma once
/// @file request_id.hpp
/// RequestIDMiddleware: gives each request an id (the client's `X-Request-ID`,
/// or a new one), echoes it in the response, and hands it to the access log.

#include <starling/types.hpp>

#include <cstddef>
#include <string>

namespace starling {

struct RequestIDOptions {
  /// The request header read and the response header set.
  std::string header = "X-Request-ID";
  /// Keep the id a client (or the proxy in front) sent, when it is well-formed:
  /// 1..max_length characters, visible ASCII other than `"` and `\`. Otherwise,
  /// or when off, a new one: 32 random hex digits.
  bool trust_incoming = true;
  std::size_t max_length = 200;
};

/// `request.request_id()` holds the id; the response carries it in `header`
/// unless the endpoint set that header itself. The server's access log line
/// (text and JSON) names it.
class RequestIDMiddleware {
 public:
  /// @throws std::invalid_argument for an empty or malformed header name.
  explicit RequestIDMiddleware(RequestIDOptions options = {});

  /// Wraps `next`; an instance therefore converts to `Middleware`.
  Handler operator()(Handler next) const;

 private:
  RequestIDOptions options_;
};

}  // namespace starling

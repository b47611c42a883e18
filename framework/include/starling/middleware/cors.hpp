#pragma once
/// @file cors.hpp
/// CORSMiddleware: Cross-Origin Resource Sharing headers and preflight answers,
/// behaving like Starlette's.

#include <starling/types.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace starling {

/// Options of CORSMiddleware, named and defaulted as in Starlette.
struct CORSOptions {
  /// Origins allowed to make cross-origin requests, e.g. "https://example.org"; "*" for any.
  std::vector<std::string> allow_origins;
  /// Methods allowed in preflight requests (case-sensitive); "*" for every standard method.
  std::vector<std::string> allow_methods = {"GET"};
  /// Request headers allowed beyond the CORS-safelisted ones; "*" for any.
  std::vector<std::string> allow_headers;
  /// Whether cookies and credentials are allowed (Access-Control-Allow-Credentials).
  bool allow_credentials = false;
  /// An ECMAScript regex that must match a whole origin to allow it; "" for none.
  std::string allow_origin_regex;
  /// Response headers the browser may expose to scripts.
  std::vector<std::string> expose_headers;
  /// Seconds a browser may cache a preflight answer.
  int max_age = 600;
};

/// Answers preflight requests (OPTIONS with Origin and Access-Control-Request-Method)
/// itself, 200 "OK" or 400 "Disallowed CORS origin, method, headers", and adds the
/// Access-Control-* headers to other requests that carry an Origin. Requests without
/// an Origin pass through untouched. A WebSocket handshake from an origin it does
/// not allow gets 403: browsers send no preflight for WebSockets.
class CORSMiddleware {
 public:
  /// Precomputes the headers and compiles `allow_origin_regex` once.
  /// @throws std::invalid_argument naming `allow_origin_regex` when it is not a valid regex.
  explicit CORSMiddleware(CORSOptions options = {});

  /// Wraps `next`; an instance therefore converts to `Middleware`.
  Handler operator()(Handler next) const;

  /// Whether `origin` is allowed: "*", the regex, or an exact entry of `allow_origins`.
  bool is_allowed_origin(std::string_view origin) const;

 private:
  struct Impl;
  // Shared and immutable, so copies of the middleware (one per App stack) are cheap.
  std::shared_ptr<const Impl> impl_;
};

}  // namespace starling

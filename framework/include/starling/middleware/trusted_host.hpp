#pragma once
/// @file trusted_host.hpp
/// TrustedHostMiddleware: rejects requests whose Host header is not an allowed host,
/// a guard against Host header attacks.

#include <starling/types.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace starling {

/// Options of TrustedHostMiddleware, named and defaulted as in Starlette.
struct TrustedHostOptions {
  /// Host names (no port), "*.example.com" for any subdomain of example.com, or "*" for any.
  std::vector<std::string> allowed_hosts = {"*"};
  /// Redirect "example.com" to "www.example.com" when only the latter is allowed.
  bool www_redirect = true;
};

/// Answers 400 "Invalid host header" unless the request's Host (without its port)
/// matches an allowed host; hosts compare case-insensitively. With `www_redirect`,
/// a request for "example.com" gets a 307 to the same URL on "www.example.com" when
/// that is allowed instead.
class TrustedHostMiddleware {
 public:
  /// @throws std::invalid_argument naming a pattern with a "*" anywhere but a leading "*.".
  explicit TrustedHostMiddleware(const TrustedHostOptions& options = {});

  /// Wraps `next`; an instance therefore converts to `Middleware`.
  Handler operator()(Handler next) const;

  /// Whether `host` (a name without port) matches one of the allowed hosts.
  bool is_allowed_host(std::string_view host) const;

 private:
  std::vector<std::string> allowed_hosts_;  // lower-cased
  bool allow_any_ = false;
  bool www_redirect_ = true;
};

}  // namespace starling

#pragma once
/// @file https_redirect.hpp
/// HTTPSRedirectMiddleware: every plain-HTTP request (or WebSocket handshake)
/// is redirected (307) to the same URL over HTTPS (or WSS).

#include <starling/types.hpp>

namespace starling {

/// Redirects requests whose scheme is "http" to "https" (307, which keeps the
/// method and body), keeping host, path and query; port 80 is dropped. Put
/// ProxyHeadersMiddleware before it behind a TLS-terminating proxy, so that a
/// request that reached the proxy over HTTPS is not redirected again.
class HTTPSRedirectMiddleware {
 public:
  Handler operator()(Handler next) const;
};

}  // namespace starling

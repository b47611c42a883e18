#pragma once
/// @file proxy_headers.hpp
/// ProxyHeadersMiddleware: behind nginx or a load balancer, the client, the
/// scheme and the host of a request are what the proxy says they are, not
/// the proxy's own connection, but only when the proxy is one the app trusts.

#include <starling/types.hpp>

#include <memory>
#include <string>
#include <vector>

namespace starling {

struct ProxyHeadersOptions {
  /// The proxies whose headers are believed: addresses ("10.0.0.5", "::1"),
  /// networks ("10.0.0.0/8", "fd00::/8"), or "*" for any peer (only when
  /// nothing but the proxy can reach the server). uvicorn's default.
  std::vector<std::string> trusted_hosts = {"127.0.0.1"};
};

/// For a request whose peer is a trusted proxy, reads `Forwarded` (RFC 7239)
/// or else `X-Forwarded-For`, `X-Forwarded-Proto` and `X-Forwarded-Host`, and
/// sets `request.client()` (the nearest address that is not a trusted proxy),
/// the URL's scheme and host, and so every URL the app builds (`url_for`,
/// redirects). From any other peer these headers are ignored: anyone can send them.
class ProxyHeadersMiddleware {
 public:
  /// @throws std::invalid_argument naming an entry that is no address or network.
  explicit ProxyHeadersMiddleware(const ProxyHeadersOptions& options = {});
  Handler operator()(Handler next) const;

  struct Trusted;  ///< the parsed trusted_hosts

 private:
  std::shared_ptr<const Trusted> trusted_;
};

}  // namespace starling

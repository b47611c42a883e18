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
  /// Also believe `X-Forwarded-Host`. Off by default (as uvicorn): turn it on
  /// only when the proxy sets or strips it, since most pass a client's through.
  bool x_forwarded_host = false;
  /// Read RFC 7239 `Forwarded` instead of the X-Forwarded-* headers. Off by
  /// default for the same reason: only for a proxy that writes it.
  bool forwarded = false;
};

/// For a request whose peer is a trusted proxy, reads `X-Forwarded-For` and
/// `X-Forwarded-Proto` (and `X-Forwarded-Host`, or `Forwarded`, when asked),
/// and sets `request.client()` (the nearest address that is not a trusted
/// proxy), the URL's scheme and host, and so every URL the app builds
/// (`url_for`, redirects). The scheme and host are the ones of that same hop.
/// From any other peer these headers are ignored: anyone can send them.
class ProxyHeadersMiddleware {
 public:
  /// @throws std::invalid_argument naming an entry that is no address or network.
  explicit ProxyHeadersMiddleware(const ProxyHeadersOptions& options = {});
  Handler operator()(Handler next) const;

  struct Trusted;  ///< the parsed options

 private:
  std::shared_ptr<const Trusted> trusted_;
};

}  // namespace starling

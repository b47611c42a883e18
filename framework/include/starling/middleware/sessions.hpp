#pragma once
/// @file sessions.hpp
/// SessionMiddleware: `request.session()`, a JSON object kept in a signed cookie
/// (HMAC-SHA256), as Starlette's.
///
///     SessionMiddleware({.secret_keys = {config.get<Secret>("SECRET_KEY")}})
///
///     awaitable<Response> login(Request& request) {
///       request.session()["user"] = "ann";   // sent back as the cookie
///       ...
///     }

#include <starling/datastructures.hpp>
#include <starling/types.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace starling {

/// Options of SessionMiddleware, named and defaulted as in Starlette.
struct SessionOptions {
  /// The keys that sign the cookie: the first signs new cookies, every one
  /// verifies. To rotate, put the new key first and keep the old ones until
  /// their cookies have expired. Each at least 16 bytes.
  std::vector<Secret> secret_keys;
  std::string session_cookie = "session";
  /// How long a cookie is valid from when it was last sent; nullopt: until the
  /// browser closes (and no server-side expiry).
  std::optional<std::chrono::seconds> max_age = std::chrono::hours(24 * 14);
  std::string path = "/";
  std::string domain;             ///< empty: the host that set it
  std::string same_site = "lax";  ///< "lax", "strict" or "none"
  bool https_only = false;        ///< the Secure attribute: sent over HTTPS only
};

/// Loads the session from its cookie before the endpoint, and sends it back
/// (re-signed, so `max_age` counts from the last response) when it holds
/// anything; an emptied session deletes the cookie. The content is signed, not
/// encrypted: the client can read it, not change it. A cookie that is tampered
/// with, expired, malformed or signed by another key is an empty session, never
/// an error.
class SessionMiddleware {
 public:
  /// @throws std::invalid_argument for no key, a key under 16 bytes, or an
  ///         unknown same_site.
  explicit SessionMiddleware(SessionOptions options);

  /// Wraps `next`; an instance therefore converts to `Middleware`.
  Handler operator()(Handler next) const;

 private:
  SessionOptions options_;
};

}  // namespace starling

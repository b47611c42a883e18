#pragma once
/// @file authentication.hpp
/// Authentication as in Starlette: a backend the app writes finds the user of
/// a request, AuthenticationMiddleware (middleware/authentication.hpp) puts it
/// in `request.user()` and `request.auth()`, and `requires_scopes` guards an endpoint.
///
///     awaitable<std::optional<AuthResult>> by_token(Request& request) {
///       auto header = request.headers().get("authorization");
///       if (!header) co_return std::nullopt;                  // anonymous
///       if (*header != "Bearer " + token) throw AuthenticationError("Invalid token");
///       co_return AuthResult{{{"authenticated"}}, std::make_shared<SimpleUser>("api")};
///     }
///     App app({.routes = {Route("/admin", requires_scopes({"authenticated"}, admin))},
///              .middleware = {AuthenticationMiddleware({.backend = by_token})}});

#include <starling/request.hpp>
#include <starling/responses.hpp>
#include <starling/types.hpp>
#include <starling/websockets.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace starling {

/// Who made a request. Derive from it for the app's own user type and read it
/// back with `dynamic_cast<const MyUser*>(&request.user())`.
class BaseUser {
 public:
  virtual ~BaseUser() = default;
  virtual bool is_authenticated() const = 0;
  virtual std::string display_name() const = 0;
  virtual std::string identity() const = 0;
};

/// An authenticated user known by a name.
class SimpleUser : public BaseUser {
 public:
  explicit SimpleUser(std::string username) : username_(std::move(username)) {}
  bool is_authenticated() const override { return true; }
  std::string display_name() const override { return username_; }
  std::string identity() const override { return username_; }

 private:
  std::string username_;
};

/// The user of a request the backend did not authenticate.
class UnauthenticatedUser : public BaseUser {
 public:
  bool is_authenticated() const override { return false; }
  std::string display_name() const override { return ""; }
  std::string identity() const override { return ""; }
};

/// What a request is allowed: its scopes ("authenticated", "admin", ...).
struct AuthCredentials {
  std::vector<std::string> scopes;
  bool has_scope(std::string_view scope) const;
};

/// A backend's answer for an authenticated request.
struct AuthResult {
  AuthCredentials credentials;
  std::shared_ptr<const BaseUser> user;
};

/// Thrown by a backend for credentials that are present but wrong (a bad
/// token): the request is refused by `on_error`, not treated as anonymous.
class AuthenticationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What `requires_scopes` does for a request that lacks a scope.
struct RequiresOptions {
  /// 403 by default; 401 adds `WWW-Authenticate: <www_authenticate>`.
  int status_code = 403;
  std::string www_authenticate = "Bearer";
  /// A route name: redirect there (303, as Starlette), with
  /// `?next=<the URL asked for>`, instead of the status.
  std::string redirect;
};

namespace detail {
/// nullopt when the request has every scope. Otherwise the redirect of
/// `options.redirect`, or a throw of HTTPException(options.status_code) (always
/// for a WebSocket handshake, which cannot follow a redirect).
std::optional<Response> refuse_without_scopes(Request& request, const std::vector<std::string>& scopes,
                                              const RequiresOptions& options);
awaitable<Response> ready_response(Response response);
}  // namespace detail

/// An endpoint that runs only for requests with every one of `scopes` (Starlette's
/// `@requires`), on an HTTP endpoint (`awaitable<Response>(Request&)`) or a
/// WebSocket endpoint (a refused handshake gets the status, before accept).
template <class Endpoint>
auto requires_scopes(std::vector<std::string> scopes, Endpoint endpoint, RequiresOptions options = {}) {
  using Guard = std::pair<std::vector<std::string>, RequiresOptions>;
  auto guard = std::make_shared<const Guard>(std::move(scopes), std::move(options));
  if constexpr (std::is_invocable_v<Endpoint&, WebSocket&>) {
    return WebSocketEndpoint([guard, endpoint = std::move(endpoint)](WebSocket& websocket) -> awaitable<void> {
      detail::refuse_without_scopes(websocket.request(), guard->first, guard->second);
      return endpoint(websocket);
    });
  } else {
    static_assert(std::is_convertible_v<std::invoke_result_t<Endpoint&, Request&>, awaitable<Response>>,
                  "requires_scopes guards an endpoint returning awaitable<Response> (or a WebSocket endpoint)");
    return Handler([guard, endpoint = std::move(endpoint)](Request& request) -> awaitable<Response> {
      if (auto refusal = detail::refuse_without_scopes(request, guard->first, guard->second))
        return detail::ready_response(std::move(*refusal));
      return endpoint(request);
    });
  }
}

}  // namespace starling

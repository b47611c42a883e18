#pragma once
/// @file middleware/authentication.hpp
/// AuthenticationMiddleware: runs the app's backend on every request and sets
/// `request.user()` and `request.auth()` (see authentication.hpp).

#include <starling/authentication.hpp>

#include <functional>
#include <memory>
#include <optional>

namespace starling {

/// Finds the user of a request: an AuthResult, or nullopt for an anonymous one.
using AuthenticationBackend = std::function<awaitable<std::optional<AuthResult>>(Request&)>;

struct AuthenticationOptions {
  AuthenticationBackend backend;
  /// The answer to an AuthenticationError; by default 400 with the error's
  /// message as `{"detail": ...}` (Starlette answers 400 too).
  std::function<Response(Request&, const AuthenticationError&)> on_error;
};

/// Runs the backend for every request (WebSocket handshakes included) and sets
/// `request.user()` and `request.auth()`: the backend's user and scopes, or an
/// UnauthenticatedUser with no scope.
class AuthenticationMiddleware {
 public:
  /// @throws std::invalid_argument without a backend.
  explicit AuthenticationMiddleware(AuthenticationOptions options);
  Handler operator()(Handler next) const;

 private:
  std::shared_ptr<const AuthenticationOptions> options_;
};

}  // namespace starling

// What middleware puts on a request: the session, the user and the scopes.
#include <starling/authentication.hpp>
#include <starling/request.hpp>

#include <stdexcept>

namespace starling {

starling::json& Request::session() {
  if (!session_) throw std::logic_error("request.session() needs SessionMiddleware in the app's middleware");
  return *session_;
}

const BaseUser& Request::user() const {
  if (!user_) throw std::logic_error("request.user() needs AuthenticationMiddleware in the app's middleware");
  return *user_;
}

const AuthCredentials& Request::auth() const {
  if (!auth_) throw std::logic_error("request.auth() needs AuthenticationMiddleware in the app's middleware");
  return *auth_;
}

}  // namespace starling

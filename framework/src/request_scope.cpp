// What middleware puts on a request (the session, the user, the scopes, the id),
// and the URLs a request builds from its app's routes.
#include <starling/application.hpp>
#include <starling/authentication.hpp>
#include <starling/request.hpp>

#include "request_access.hpp"

#include <stdexcept>

namespace starling {

starling::json& Request::session() {
  const auto* scope = detail::RequestAccess::scope_if_any(*this);
  if (!scope || !scope->session)
    throw std::logic_error("request.session() needs SessionMiddleware in the app's middleware");
  return *scope->session;
}

const BaseUser& Request::user() const {
  const auto* scope = detail::RequestAccess::scope_if_any(*this);
  if (!scope || !scope->user)
    throw std::logic_error("request.user() needs AuthenticationMiddleware in the app's middleware");
  return *scope->user;
}

const AuthCredentials& Request::auth() const {
  const auto* scope = detail::RequestAccess::scope_if_any(*this);
  if (!scope || !scope->auth)
    throw std::logic_error("request.auth() needs AuthenticationMiddleware in the app's middleware");
  return *scope->auth;
}

std::string_view Request::request_id() const {
  const auto* scope = detail::RequestAccess::scope_if_any(*this);
  return scope ? std::string_view(scope->request_id) : std::string_view{};
}

std::string Request::base_url() const {
  URL base = url_;
  base.raw_path = "/";
  base.query.clear();
  return base.to_string();
}

std::string Request::url_for(std::string_view name, const PathArgs& params) const {
  if (!app_) throw std::logic_error("request.url_for() needs the request to come through an App");
  URL url = url_;
  url.raw_path = app_->url_path_for(name, params);
  url.query.clear();
  if (auto host = app_->url_host_for(name, params); !host.empty()) url.host = std::move(host);
  return url.to_string();
}

}  // namespace starling

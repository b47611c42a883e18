#include <starling/application.hpp>
#include <starling/middleware/authentication.hpp>

#include "request_access.hpp"

#include <algorithm>

namespace starling {
namespace {

const std::shared_ptr<const BaseUser>& anonymous_user() {
  static const std::shared_ptr<const BaseUser> user = std::make_shared<const UnauthenticatedUser>();
  return user;
}

const std::shared_ptr<const AuthCredentials>& no_credentials() {
  static const std::shared_ptr<const AuthCredentials> credentials = std::make_shared<const AuthCredentials>();
  return credentials;
}

// The middleware's work, as a free coroutine: its arguments live in its own frame.
awaitable<Response> authenticate(std::shared_ptr<const AuthenticationOptions> options,
                                 std::shared_ptr<const Handler> next, Request& request) {
  std::optional<AuthResult> result;
  std::optional<Response> refused;
  try {
    result = co_await options->backend(request);
  } catch (const AuthenticationError& error) {
    refused.emplace(options->on_error ? options->on_error(request, error)
                                      : JSONResponse(json{{"detail", error.what()}}, 400));
  }
  if (refused) co_return std::move(*refused);
  if (result) {
    std::shared_ptr<const BaseUser> user = anonymous_user();
    if (result->user) user = std::move(result->user);
    detail::RequestAccess::set_auth(request, std::make_shared<const AuthCredentials>(std::move(result->credentials)),
                                    std::move(user));
  } else {
    detail::RequestAccess::set_auth(request, no_credentials(), anonymous_user());
  }
  co_return co_await (*next)(request);
}

}  // namespace

bool AuthCredentials::has_scope(std::string_view scope) const {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

AuthenticationMiddleware::AuthenticationMiddleware(AuthenticationOptions options)
    : options_(std::make_shared<const AuthenticationOptions>(std::move(options))) {
  if (!options_->backend) throw std::invalid_argument("AuthenticationMiddleware: no backend given");
}

Handler AuthenticationMiddleware::operator()(Handler next) const {
  return [options = options_, next = std::make_shared<const Handler>(std::move(next))](Request& request) {
    return authenticate(options, next, request);
  };
}

namespace detail {

std::optional<Response> refuse_without_scopes(Request& request, const std::vector<std::string>& scopes,
                                              const RequiresOptions& options) {
  const AuthCredentials& granted = request.auth();
  const bool allowed = std::all_of(scopes.begin(), scopes.end(),
                                   [&granted](const std::string& scope) { return granted.has_scope(scope); });
  if (allowed) return std::nullopt;
  if (!options.redirect.empty() && !request.is_websocket()) {
    if (!request.app()) throw std::logic_error("requires_scopes: a redirect needs the request to come through an App");
    const std::string target =
        request.app()->url_path_for(options.redirect) + "?next=" + percent_encode(request.url().to_string());
    return RedirectResponse(target, 303);
  }
  Headers headers;
  if (options.status_code == 401 && !options.www_authenticate.empty())
    headers.set("www-authenticate", options.www_authenticate);
  throw HTTPException(options.status_code, std::string{}, std::move(headers));
}

awaitable<Response> ready_response(Response response) { co_return response; }

}  // namespace detail

}  // namespace starling

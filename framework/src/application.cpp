#include <starling/application.hpp>

#include "app/app_impl.hpp"

namespace starling {
namespace {

std::string with_flipped_slash(const std::string& path) {
  if (path.size() > 1 && path.back() == '/') return path.substr(0, path.size() - 1);
  return path + "/";
}

}  // namespace

// The layer just outside the router: exceptions that have a handler (and every
// HTTPException) become responses here, so user middleware sees them as responses.
Handler App::Impl::exception_layer(Handler next) const {
  return [&impl = *this, next = std::move(next)](Request& request) -> awaitable<Response> {
    std::exception_ptr error;
    try {
      co_return co_await next(request);
    } catch (...) {
      error = std::current_exception();
    }
    if (auto response = impl.handle_exception(request, error)) co_return std::move(*response);
    std::rethrow_exception(error);
  };
}

awaitable<Response> App::Impl::route(Request& request) const {
  auto match = router.match(request);
  if (match.outcome == routing::Outcome::found) co_return co_await match.route->endpoint(request);
  if (match.outcome == routing::Outcome::method_not_allowed) {
    HTTPException error(405, std::string{}, Headers{{"allow", match.allow}});
    if (options.exception_handlers.empty()) co_return http_exception_response(error);  // no throw on a hot path
    throw error;
  }
  if (options.redirect_slashes && request.path() != "/") {
    const auto other = with_flipped_slash(request.path());
    if (router.matches_path(other)) {
      URL url = request.url();
      url.raw_path = with_flipped_slash(url.raw_path);
      // Without a Host (HTTP/1.0) a relative Location is the honest answer.
      co_return RedirectResponse(url.host.empty() ? url.raw_path + (url.query.empty() ? "" : "?" + url.query)
                                                  : url.to_string());
    }
  }
  HTTPException not_found(404);
  if (options.exception_handlers.empty()) co_return http_exception_response(not_found);
  throw not_found;
}

App::App(AppOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  const Impl& impl = *impl_;
  Handler handler = [&impl](Request& request) { return impl.route(request); };
  handler = impl.exception_layer(std::move(handler));
  auto& middleware = impl_->options.middleware;
  for (auto it = middleware.rbegin(); it != middleware.rend(); ++it) handler = (*it)(std::move(handler));
  impl_->stack = std::move(handler);
}

App::~App() = default;

awaitable<Response> App::handle(Request& request) {
  request.set_app(this);
  std::exception_ptr error;
  try {
    co_return co_await impl_->stack(request);
  } catch (...) {
    error = std::current_exception();
  }
  co_return impl_->server_error(request, error);
}

std::string App::url_path_for(std::string_view name, const PathArgs& params) const {
  return impl_->router.url_path_for(name, params);
}

State& App::state() { return impl_->state; }
bool App::debug() const { return impl_->options.debug; }

}  // namespace starling

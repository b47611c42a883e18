#include <starling/application.hpp>

#include "app/app_impl.hpp"
#include "request_access.hpp"

namespace starling {
namespace {

std::string with_flipped_slash(const std::string& path) {
  if (path.size() > 1 && path.back() == '/') return path.substr(0, path.size() - 1);
  return path + "/";
}

}  // namespace

namespace {

awaitable<Response> ready(Response response) { co_return response; }

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
    if (auto response = co_await impl.handle_exception(request, error)) co_return std::move(*response);
    std::rethrow_exception(error);
  };
}

// Not a coroutine: a found route hands back its endpoint's own awaitable, so a
// request costs no extra coroutine frame for routing.
awaitable<Response> App::Impl::route(Request& request) const {
  auto match = router.match(request);
  if (match.outcome == routing::Outcome::found) return match.route->endpoint(request);
  if (match.outcome == routing::Outcome::method_not_allowed) {
    HTTPException error(405, std::string{}, Headers{{"allow", match.allow}});
    if (options.exception_handlers.empty()) return ready(http_exception_response(error));  // no throw on a hot path
    throw error;
  }
  if (options.redirect_slashes && request.path() != "/" && !request.is_websocket()) {
    const auto other = with_flipped_slash(request.path());
    if (router.matches_path(other, request.url().host)) {
      URL url = request.url();
      url.raw_path = with_flipped_slash(url.raw_path);
      // Without a Host (HTTP/1.0) a relative Location is the honest answer.
      return ready(RedirectResponse(url.host.empty() ? url.raw_path + (url.query.empty() ? "" : "?" + url.query)
                                                     : url.to_string()));
    }
  }
  HTTPException not_found(404);
  if (options.exception_handlers.empty()) return ready(http_exception_response(not_found));
  throw not_found;
}

App::App(AppOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  if (impl_->options.lifespan && (!impl_->options.on_startup.empty() || !impl_->options.on_shutdown.empty()))
    throw std::invalid_argument(
        "App: use either lifespan or on_startup/on_shutdown, not both (the hooks would never run)");
  auto& middleware = impl_->options.middleware;
  if (middleware.empty()) return;  // handle() routes directly: no layer to build
  const Impl& impl = *impl_;
  Handler handler = impl.exception_layer([&impl](Request& request) { return impl.route(request); });
  for (auto it = middleware.rbegin(); it != middleware.rend(); ++it) handler = (*it)(std::move(handler));
  impl_->stack = std::move(handler);
}

App::~App() = default;

awaitable<Response> App::handle(Request& request) {
  detail::RequestAccess::set_app(request, this, impl_->state, impl_->options.max_body_size);
  const bool has_middleware = static_cast<bool>(impl_->stack);
  std::exception_ptr error;
  try {
    // Without middleware the exception layer is folded in here: one frame less.
    // (Two statements, not a ?: inside co_await: GCC 12 evaluates both arms there.)
    std::optional<Response> response;
    if (has_middleware) {
      response.emplace(co_await impl_->stack(request));
    } else {
      response.emplace(co_await impl_->route(request));
    }
    if (response->stream) {
      const auto stream = response->stream;  // prepare() may replace it
      stream->prepare(request, *response);
    }
    co_return std::move(*response);
  } catch (...) {
    error = std::current_exception();
  }
  if (!has_middleware) {
    try {
      if (auto response = co_await impl_->handle_exception(request, error)) co_return std::move(*response);
    } catch (...) {
      error = std::current_exception();  // the handler itself failed: a 500 names that
    }
  }
  co_return co_await impl_->server_error(request, error);
}

std::string App::url_path_for(std::string_view name, const PathArgs& params) const {
  return impl_->router.url_path_for(name, params);
}

std::string App::url_host_for(std::string_view name, const PathArgs& params) const {
  return impl_->router.url_host_for(name, params);
}

State& App::state() { return impl_->state; }
bool App::debug() const { return impl_->options.debug; }
const Routes& App::routes() const { return impl_->options.routes; }

}  // namespace starling

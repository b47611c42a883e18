#include <starling/middleware/https_redirect.hpp>
#include <starling/request.hpp>
#include <starling/responses.hpp>

namespace starling {
namespace {

awaitable<Response> ready(Response response) { co_return response; }

}  // namespace

Handler HTTPSRedirectMiddleware::operator()(Handler next) const {
  return [next = std::move(next)](Request& request) -> awaitable<Response> {
    if (request.url().scheme != "http") return next(request);
    URL url = request.url();
    if (url.host.empty()) return ready(JSONResponse(json{{"detail", "Missing Host header"}}, 400));
    url.scheme = request.is_websocket() ? "wss" : "https";
    if (url.port == 80 || url.port == 443) url.port.reset();
    return ready(RedirectResponse(url.to_string(), 307));
  };
}

}  // namespace starling

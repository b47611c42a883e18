// A WebSocket handshake that reached its route: the origin check, the
// endpoint, and what the handshake's HTTP answer is when it was not accepted.
#include "websockets/run_endpoint.hpp"

#include <starling/logging.hpp>
#include <starling/websockets.hpp>

#include "request_access.hpp"
#include "websockets/channel.hpp"

#include <algorithm>

namespace starling::websockets {
namespace {

bool origin_allowed(const Request& request, const std::vector<std::string>& allowed) {
  if (allowed.empty()) return true;
  const auto origin = request.headers().get("origin");
  return origin && std::find(allowed.begin(), allowed.end(), *origin) != allowed.end();
}

std::string describe(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace

awaitable<Response> run_endpoint(Request& request, const WebSocketRoute& route) {
  if (!origin_allowed(request, route.allowed_origins()))
    co_return JSONResponse({{"detail", "WebSocket origin not allowed"}}, 403);
  WebSocket websocket(request, detail::RequestAccess::websocket(request), route.max_message_size());
  std::exception_ptr error;
  try {
    co_await route.endpoint()(websocket);
  } catch (const WebSocketDisconnect&) {
    // The peer left and the endpoint let it go: the normal end of a connection.
  } catch (...) {
    error = std::current_exception();
  }
  if (error && websocket.state() == WebSocket::State::connecting) std::rethrow_exception(error);  // an HTTP error
  if (error) {
    log::error("WebSocket endpoint for " + request.path() + " failed: " + describe(error));
    if (websocket.state() == WebSocket::State::connected) co_await websocket.close(close_code::internal_error);
  } else if (websocket.state() == WebSocket::State::connected) {
    co_await websocket.close(close_code::normal);
  }
  if (!detail::RequestAccess::websocket(request)->accepted())
    co_return JSONResponse({{"detail", "WebSocket connection refused"}}, 403);
  co_return Response(std::string{}, 101);
}

}  // namespace starling::websockets

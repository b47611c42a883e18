#pragma once
// Runs a WebSocketRoute's endpoint for a handshake routed to it.

#include <starling/request.hpp>
#include <starling/responses.hpp>
#include <starling/routing.hpp>

namespace starling::websockets {

/// 101 (empty) once the endpoint accepted and the connection has closed; the
/// HTTP answer to the handshake otherwise: 403 when the origin is not allowed
/// or the endpoint refused it. Rethrows what the endpoint threw before accepting.
awaitable<Response> run_endpoint(Request& request, const WebSocketRoute& route);

}  // namespace starling::websockets

#pragma once
/// @file types.hpp
/// The few types every part of Starling speaks: coroutines, JSON, handlers.

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <functional>

namespace starling {

/// A coroutine result, the C++ equivalent of an `async def`. A using-declaration
/// (not an alias) so that starling::db's, which names the same template, never
/// clashes with it under two using-directives.
using boost::asio::awaitable;

/// JSON values (nlohmann::json) as used by requests and responses.
using json = nlohmann::json;

class Request;
class Response;
class App;
class WebSocket;

/// Anything that answers a request: an endpoint, a router, a middleware stack.
using Handler = std::function<awaitable<Response>(Request&)>;

/// A WebSocketRoute's endpoint.
using WebSocketEndpoint = std::function<awaitable<void>(WebSocket&)>;

/// A middleware wraps the next handler and returns the wrapped one.
/// The stack is built once, when the App is constructed.
using Middleware = std::function<Handler(Handler next)>;

}  // namespace starling

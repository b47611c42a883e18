#pragma once
/// @file types.hpp
/// The few types every part of Starling speaks: coroutines, JSON, handlers.

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <functional>

namespace starling {

/// A coroutine result, the C++ equivalent of an `async def`.
template <class T>
using awaitable = boost::asio::awaitable<T>;

/// JSON values (nlohmann::json) as used by requests and responses.
using json = nlohmann::json;

class Request;
class Response;
class App;

/// Anything that answers a request: an endpoint, a router, a middleware stack.
using Handler = std::function<awaitable<Response>(Request&)>;

/// A middleware wraps the next handler and returns the wrapped one.
/// The stack is built once, when the App is constructed.
using Middleware = std::function<Handler(Handler next)>;

}  // namespace starling

#pragma once
/// @file routing.hpp
/// Route, WebSocketRoute, Mount, Host and url_path_for.

#include <starling/exception_handlers.hpp>
#include <starling/path_args.hpp>
#include <starling/responses.hpp>
#include <starling/schema.hpp>
#include <starling/types.hpp>

#include <concepts>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace starling {

/// Runs a blocking function on Starling's worker pool and resumes the caller on
/// its own executor when it is done (Starlette's `run_in_threadpool`).
awaitable<Response> run_in_threadpool(std::function<Response()> fn);

/// Sets the worker pool's size; takes effect only before its first use.
void set_threadpool_size(std::size_t threads);

/// Thrown by url_path_for: no route of that name, or its parameters do not fit.
class NoMatchFound : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// What OpenAPI says of a route (openapi.hpp), and what is checked before its
/// endpoint runs: the JSON body and the query parameters declared here.
struct RouteDocs {
  struct QueryParam {
    std::string name;
    Schema schema;  ///< a string, integer, number or boolean
    bool required = false;
    std::string description;
  };
  struct Answer {
    int status_code;
    std::string description;       ///< empty: the status's reason phrase
    std::optional<Schema> schema;  ///< a JSON body, if any
  };
  std::string summary;
  std::string description;
  std::optional<Schema> body;
  std::vector<QueryParam> query;
  std::vector<Answer> responses;
  std::vector<std::string> security;  ///< names of OpenAPIInfo's security schemes
  bool include_in_schema = true;
};

/// One endpoint at one path for some methods.
class Route {
 public:
  /// `endpoint` is `awaitable<Response>(Request&)` or a plain `Response(Request&)`,
  /// which runs on the worker pool. `methods` defaults to GET; GET also answers HEAD.
  /// @throws std::invalid_argument for a malformed path template.
  template <class Endpoint>
  Route(std::string path, Endpoint&& endpoint, std::vector<std::string> methods = {}, std::string name = {})
      : Route(std::move(path), to_handler(std::forward<Endpoint>(endpoint)), std::move(methods), std::move(name), 0) {}

  const std::string& path() const { return path_; }
  const std::vector<std::string>& methods() const { return methods_; }
  const std::string& name() const { return name_; }
  /// The endpoint as given; handler() adds the route's checks and middleware.
  const Handler& endpoint() const { return endpoint_; }
  /// Raises (or lowers) the app's body limit for this route:
  /// `Route("/upload", upload, {"POST"}).max_body_size(200 << 20)`.
  Route& max_body_size(std::size_t bytes) {
    max_body_size_ = bytes;
    return *this;
  }
  std::optional<std::size_t> max_body_size() const { return max_body_size_; }
  /// Middleware for this route alone, run once it matched (the first is the
  /// outermost): `Route("/admin", admin).middleware({AuditMiddleware()})`.
  Route& middleware(const std::vector<Middleware>& middleware);

  /// The JSON body the endpoint takes. Checked after the route's middleware
  /// (so authentication answers first) and before the endpoint: 415 unless the
  /// body is JSON, 400 when it does not parse, 422 listing every problem.
  Route& body(Schema schema);
  /// A query parameter (string, integer, number or boolean schema), checked
  /// with the body: 422 for a missing required one, or one that is no value of
  /// its type ("limit" must be a whole number, not "ten") or breaks a rule.
  /// @throws std::invalid_argument for an array or object schema.
  Route& query(std::string name, Schema schema, bool required = false, std::string description = {});
  /// A response, for the docs: `.response(200, "The note", note)`.
  Route& response(int status_code, std::string description = {}, std::optional<Schema> schema = {});
  Route& summary(std::string text);
  /// A longer description, for the docs (CommonMark).
  Route& description(std::string text);
  /// The security scheme (OpenAPIInfo::security_schemes) the route needs, for the docs.
  Route& security(std::string scheme);
  /// Leaves the route out of the OpenAPI document.
  Route& include_in_schema(bool include);
  const RouteDocs& docs() const { return docs_; }
  /// The endpoint inside the route's checks and middleware: what the router calls.
  Handler handler() const;

 private:
  Route(std::string path, Handler endpoint, std::vector<std::string> methods, std::string name, int);

  template <class F>
  static Handler to_handler(F&& fn) {
    using Result = std::invoke_result_t<F&, Request&>;
    if constexpr (std::is_convertible_v<Result, awaitable<Response>>) {
      return Handler(std::forward<F>(fn));
    } else {
      static_assert(std::is_convertible_v<Result, Response>, "an endpoint returns awaitable<Response> or Response");
      return [fn = std::forward<F>(fn)](Request& request) -> awaitable<Response> {
        return run_in_threadpool([&fn, &request]() -> Response { return fn(request); });
      };
    }
  }

  std::string path_;
  Handler endpoint_;
  std::vector<std::string> methods_;
  std::string name_;
  std::optional<std::size_t> max_body_size_;
  std::vector<Middleware> middleware_;  // the first is the outermost
  RouteDocs docs_;
};

/// A WebSocket endpoint at a path (with parameters, as Route). The endpoint
/// accepts, talks, and returns; the connection closes with 1000 then, or 1011
/// (logged) when it throws after accepting. Before accept(), a throw answers
/// the handshake as an HTTP error and close() refuses it with 403.
class WebSocketRoute {
 public:
  /// @throws std::invalid_argument for a malformed path template.
  WebSocketRoute(std::string path, WebSocketEndpoint endpoint, std::string name = {});

  /// The largest message accepted; past it the connection closes with 1009 (default 1 MiB).
  WebSocketRoute& max_message_size(std::size_t bytes) {
    max_message_size_ = bytes;
    return *this;
  }
  /// Only handshakes whose Origin is one of these ("https://example.com") go
  /// through; others get 403. Empty (the default): any origin.
  WebSocketRoute& allowed_origins(std::vector<std::string> origins) {
    allowed_origins_ = std::move(origins);
    return *this;
  }

  const std::string& path() const { return path_; }
  const std::string& name() const { return name_; }
  const WebSocketEndpoint& endpoint() const { return endpoint_; }
  std::size_t max_message_size() const { return max_message_size_; }
  const std::vector<std::string>& allowed_origins() const { return allowed_origins_; }
  /// Middleware that sees this route's handshakes (as Route::middleware).
  WebSocketRoute& middleware(std::vector<Middleware> middleware) {
    middleware_ = std::move(middleware);
    return *this;
  }
  const std::vector<Middleware>& middleware() const { return middleware_; }

 private:
  std::string path_;
  WebSocketEndpoint endpoint_;
  std::string name_;
  std::vector<Middleware> middleware_;
  std::size_t max_message_size_ = 1024 * 1024;
  std::vector<std::string> allowed_origins_;
};

class Mount;
class Host;

/// An element of a route table: a Route, a WebSocketRoute, a Mount or a Host.
class RouteEntry {
 public:
  RouteEntry(Route route);
  RouteEntry(WebSocketRoute route);
  RouteEntry(Mount mount);
  RouteEntry(Host host);

  const Route* route() const { return route_.get(); }
  const WebSocketRoute* websocket_route() const { return websocket_route_.get(); }
  const Mount* mount() const { return mount_.get(); }
  const Host* host() const { return host_.get(); }

 private:
  std::shared_ptr<const Route> route_;
  std::shared_ptr<const WebSocketRoute> websocket_route_;
  std::shared_ptr<const Mount> mount_;
  std::shared_ptr<const Host> host_;
};

using Routes = std::vector<RouteEntry>;

/// Routes under a common path prefix. Names inside become `mount_name:route_name`.
/// Or an app under a prefix (`Mount("/static", StaticFiles("static"), "static")`):
/// it answers every method under `path + "/"`, and finds the rest of the path in
/// the "path" parameter (`url_path_for("static", {{"path", "app.css"}})` builds URLs).
class Mount {
 public:
  Mount(std::string path, Routes routes, std::string name = {});
  Mount(std::string path, Handler app, std::string name = {});

  const std::string& path() const { return path_; }
  const Routes& routes() const { return routes_; }
  const std::string& name() const { return name_; }
  /// The mounted app, when there is one instead of routes.
  const Handler& app() const { return app_; }

  /// Middleware for everything under the mount, run once a route under it
  /// matched (the first is the outermost). It wraps each route under the mount.
  Mount& middleware(std::vector<Middleware> middleware) {
    middleware_ = std::move(middleware);
    return *this;
  }
  /// Exception handlers for the routes under the mount, tried before the app's
  /// (by status or type; a 500 handler belongs to the App and is refused here).
  /// @throws std::invalid_argument for a 500 handler.
  Mount& exception_handlers(std::vector<ExceptionHandler> handlers);
  const std::vector<Middleware>& middleware() const { return middleware_; }
  const std::vector<ExceptionHandler>& exception_handlers() const { return exception_handlers_; }

 private:
  std::string path_;
  Routes routes_;
  Handler app_;
  std::string name_;
  std::vector<Middleware> middleware_;
  std::vector<ExceptionHandler> exception_handlers_;
};

/// Routes for requests to one host (the Host header, without its port):
/// `Host("api.example.com", api_routes)`, or with parameters in labels,
/// `Host("{tenant}.example.com", tenant_routes)` (`{tenant}` is one label and
/// reaches the endpoint as a path parameter). Names inside become `name:route`;
/// `request.url_for` gives URLs on that host.
class Host {
 public:
  /// @throws std::invalid_argument for a malformed host template.
  Host(std::string host, Routes routes, std::string name = {});

  const std::string& host() const { return host_; }
  const Routes& routes() const { return routes_; }
  const std::string& name() const { return name_; }

 private:
  std::string host_;
  Routes routes_;
  std::string name_;
};

}  // namespace starling

#pragma once
/// @file application.hpp
/// App: routes, middleware, exception handlers and lifecycle in one object.

#include <starling/exception_handlers.hpp>
#include <starling/exceptions.hpp>
#include <starling/request.hpp>
#include <starling/responses.hpp>
#include <starling/routing.hpp>
#include <starling/types.hpp>

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace starling {

/// A startup or shutdown hook: `awaitable<void>()` or a plain `void()`.
class Hook {
 public:
  template <class F>
  requires(std::is_invocable_v<F&> && !std::is_same_v<std::decay_t<F>, Hook>) Hook(F fn) {
    using Result = std::invoke_result_t<F&>;
    if constexpr (std::is_void_v<Result>) {
      fn_ = [fn = std::move(fn)]() mutable -> awaitable<void> {
        fn();
        co_return;
      };
    } else {
      static_assert(std::is_convertible_v<Result, awaitable<void>>, "a hook returns awaitable<void> or void");
      fn_ = std::move(fn);
    }
  }
  awaitable<void> operator()() const { return fn_(); }

 private:
  std::function<awaitable<void>()> fn_;
};

/// What a lifespan awaits to hand control to the server until it stops.
using Serve = std::function<awaitable<void>()>;

/// Startup work, `co_await serve()`, then shutdown work (Starlette's lifespan).
using Lifespan = std::function<awaitable<void>(App& app, Serve serve)>;

/// Everything an App is made of. Designated initializers read like Starlette's kwargs.
struct AppOptions {
  Routes routes;
  std::vector<Middleware> middleware;  ///< the first is the outermost
  std::vector<ExceptionHandler> exception_handlers;
  std::vector<Hook> on_startup;
  std::vector<Hook> on_shutdown;
  Lifespan lifespan;
  /// A 500 shows what was thrown: an HTML page for a browser, JSON otherwise
  /// (never in production: it names internals).
  bool debug = false;
  /// The largest request body an endpoint may read (413 past it); a Route may
  /// raise it with `.max_body_size(bytes)`.
  std::size_t max_body_size = kDefaultMaxBodySize;
  bool redirect_slashes = true;
};

/// A Starling application. Construct it once; it is then shared by every
/// connection and thread, and must outlive the server or TestClient using it.
class App {
 public:
  explicit App(AppOptions options);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  /// Answers one request through the middleware stack, routing and error handling.
  /// Never throws: unhandled errors become a 500 (and the TestClient, with
  /// `raise_server_exceptions`, rethrows them).
  awaitable<Response> handle(Request& request);

  /// Runs the startup hooks (or the lifespan up to `serve`), in order.
  /// @throws whatever a hook throws.
  awaitable<void> startup();
  /// Runs the shutdown hooks (or the rest of the lifespan).
  awaitable<void> shutdown();

  /// The path of the route called `name`, e.g. `url_path_for("note", {{"id", 3}})`.
  /// @throws NoMatchFound naming the route or the missing/invalid parameter.
  std::string url_path_for(std::string_view name, const PathArgs& params = {}) const;
  /// The host of the route called `name` when it is under a Host (its
  /// parameters filled from `params`), else "". @throws NoMatchFound.
  std::string url_host_for(std::string_view name, const PathArgs& params = {}) const;

  /// The route table the app was built with (Starlette's `app.routes`).
  const Routes& routes() const;

  /// Application-wide values (Starlette's `app.state`).
  State& state();
  bool debug() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace starling

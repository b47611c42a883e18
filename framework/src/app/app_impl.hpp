#pragma once
// App's private parts, shared by application.cpp, errors.cpp and lifespan.cpp.

#include <starling/application.hpp>

#include "routing/router.hpp"

#include <memory>

namespace starling {

struct LifespanRun;

struct App::Impl {
  explicit Impl(AppOptions opts) : options(std::move(opts)), router(options.routes) {}

  AppOptions options;
  routing::Router router;
  Handler stack;  // the middleware stack, built once; empty without middleware
  State state;
  std::shared_ptr<LifespanRun> lifespan_run;  // between startup() and shutdown()

  awaitable<Response> route(Request& request) const;
  Handler exception_layer(Handler next) const;
  /// The answer of the exception handlers (and the default for an HTTPException),
  /// or nullopt for an unhandled exception. A handler's own exception escapes.
  awaitable<std::optional<Response>> handle_exception(Request& request, const std::exception_ptr& error) const;
  /// The 500 for an unhandled exception: logged, the 500 handler's answer, or the default.
  awaitable<Response> server_error(Request& request, const std::exception_ptr& error) const;
};

/// The default answer to an HTTPException: `{"detail": ...}` with its status and headers.
Response http_exception_response(const HTTPException& error);

}  // namespace starling

#include <starling/logging.hpp>

#include "app/app_impl.hpp"
#include "app/debug_page.hpp"
#include "app/exception_guard.hpp"
#include "app/exception_info.hpp"
#include "request_access.hpp"

namespace starling {

namespace detail {

const HTTPException* http_exception_in(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const HTTPException& e) {
    return &e;
  } catch (...) {
    return nullptr;
  }
}

const std::exception* std_exception_in(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return &e;
  } catch (...) {
    return nullptr;
  }
}

}  // namespace detail

Response http_exception_response(const HTTPException& error) {
  const int status = error.status_code();
  if (status == 204 || status == 304) return Response(std::string{}, status, error.headers());
  return JSONResponse(json{{"detail", error.detail()}}, status, error.headers());
}

namespace app {

awaitable<std::optional<Response>> run_exception_handlers(const std::vector<ExceptionHandler>& handlers,
                                                          Request& request, std::exception_ptr error) {
  const HTTPException* http = detail::http_exception_in(error);
  // Handlers by status code first, then by type, each in declaration order.
  if (http) {
    for (const auto& handler : handlers) {
      if (handler.status_code() == 0 || handler.status_code() == 500 || handler.status_code() != http->status_code())
        continue;
      if (auto response = co_await handler(request, error)) co_return response;
    }
  }
  for (const auto& handler : handlers) {
    if (handler.status_code() != 0) continue;
    if (auto response = co_await handler(request, error)) co_return response;
  }
  co_return std::nullopt;
}

namespace {

awaitable<Response> guarded(std::shared_ptr<const std::vector<ExceptionHandler>> handlers,
                            std::shared_ptr<const Handler> next, Request& request) {
  std::exception_ptr error;
  try {
    co_return co_await (*next)(request);
  } catch (...) {
    error = std::current_exception();
  }
  if (auto response = co_await run_exception_handlers(*handlers, request, error)) co_return std::move(*response);
  std::rethrow_exception(error);
}

}  // namespace

Handler exception_guard(std::shared_ptr<const std::vector<ExceptionHandler>> handlers, Handler next) {
  return [handlers = std::move(handlers), next = std::make_shared<const Handler>(std::move(next))](Request& request) {
    return guarded(handlers, next, request);
  };
}

}  // namespace app

awaitable<std::optional<Response>> App::Impl::handle_exception(Request& request,
                                                               const std::exception_ptr& error) const {
  if (auto response = co_await app::run_exception_handlers(options.exception_handlers, request, error))
    co_return response;
  if (const HTTPException* http = detail::http_exception_in(error)) co_return http_exception_response(*http);
  co_return std::nullopt;
}

awaitable<Response> App::Impl::server_error(Request& request, const std::exception_ptr& error) const {
  if (const auto* disconnect = detail::exception_as<ClientDisconnect>(error)) {
    // Not the app's fault, and nobody is left to read an answer.
    log::info(std::string(request.method()) + " " + request.path() + ": " + disconnect->what());
    co_return JSONResponse(json{{"detail", disconnect->what()}}, 400);
  }
  detail::RequestAccess::unhandled_exception(request) = error;
  const auto chain = app::describe_exception(error);
  std::string line = "Unhandled " + chain.front().type + " in " + std::string(request.method()) + " " + request.path() +
                     ": " + chain.front().message;
  for (std::size_t i = 1; i < chain.size(); ++i) line += " (caused by " + chain[i].type + ": " + chain[i].message + ")";
  log::error(line);
  for (const auto& handler : options.exception_handlers) {
    if (handler.status_code() != 500) continue;
    std::exception_ptr handler_error;
    try {
      if (auto response = co_await handler(request, error)) co_return std::move(*response);
    } catch (...) {
      handler_error = std::current_exception();
    }
    if (handler_error) {
      const auto what = app::describe_exception(handler_error);
      log::error("The 500 exception handler itself threw " + what.front().type + ": " + what.front().message +
                 "; answering the default 500");
      break;
    }
  }
  if (options.debug) co_return app::debug_response(request, error);
  co_return JSONResponse(json{{"detail", "Internal Server Error"}}, 500);
}

}  // namespace starling

#include <starling/logging.hpp>

#include "app/app_impl.hpp"
#include "request_access.hpp"

#include <cxxabi.h>

namespace starling {
namespace {

bool is_http_exception_with_status(const std::exception_ptr& error, int status_code) {
  try {
    std::rethrow_exception(error);
  } catch (const HTTPException& e) {
    return e.status_code() == status_code;
  } catch (...) {
    return false;
  }
}

std::string type_name(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (...) {
    const auto* type = abi::__cxa_current_exception_type();
    if (!type) return "unknown";
    int status = 0;
    char* demangled = abi::__cxa_demangle(type->name(), nullptr, nullptr, &status);
    std::string name = status == 0 && demangled ? demangled : type->name();
    std::free(demangled);
    return name;
  }
}

std::string message(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "(not a std::exception)";
  }
}

}  // namespace

ExceptionHandler::ExceptionHandler(int status_code, std::function<Response(Request&, const HTTPException&)> fn)
    : fn_([status_code, fn = std::move(fn)](Request& request,
                                            const std::exception_ptr& error) -> std::optional<Response> {
        try {
          std::rethrow_exception(error);
        } catch (const HTTPException& e) {
          if (e.status_code() == status_code) return fn(request, e);
          return std::nullopt;
        } catch (...) {
          // A 500 handler takes every unhandled exception, as in Starlette.
          if (status_code != 500) return std::nullopt;
          return fn(request, HTTPException(500));
        }
      }),
      status_code_(status_code) {}

Response http_exception_response(const HTTPException& error) {
  const int status = error.status_code();
  if (status == 204 || status == 304) return Response(std::string{}, status, error.headers());
  return JSONResponse(json{{"detail", error.detail()}}, status, error.headers());
}

std::optional<Response> App::Impl::handle_exception(Request& request, const std::exception_ptr& error) const {
  // Handlers by status code first, then by type, each in declaration order.
  for (const auto& handler : options.exception_handlers)
    if (handler.status_code() != 0 && handler.status_code() != 500 &&
        is_http_exception_with_status(error, handler.status_code()))
      if (auto response = handler(request, error)) return response;
  for (const auto& handler : options.exception_handlers)
    if (handler.status_code() == 0)
      if (auto response = handler(request, error)) return response;
  try {
    std::rethrow_exception(error);
  } catch (const HTTPException& e) {
    return http_exception_response(e);
  } catch (...) {
    return std::nullopt;
  }
}

Response App::Impl::server_error(Request& request, const std::exception_ptr& error) const {
  try {
    std::rethrow_exception(error);
  } catch (const ClientDisconnect& e) {
    // Not the app's fault, and nobody is left to read an answer.
    log::info(std::string(request.method()) + " " + request.path() + ": " + e.what());
    return JSONResponse(json{{"detail", e.what()}}, 400);
  } catch (...) {
  }
  detail::RequestAccess::unhandled_exception(request) = error;
  log::error("Unhandled " + type_name(error) + " in " + std::string(request.method()) + " " + request.path() + ": " +
             message(error));
  for (const auto& handler : options.exception_handlers) {
    if (handler.status_code() != 500) continue;
    try {
      if (auto response = handler(request, error)) return std::move(*response);
    } catch (...) {
      log::error("The 500 exception handler itself threw; answering the default 500");
    }
  }
  json body = {{"detail", "Internal Server Error"}};
  if (options.debug) {
    body["error"] = message(error);
    body["type"] = type_name(error);
  }
  return JSONResponse(body, 500);
}

}  // namespace starling

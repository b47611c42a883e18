#pragma once
/// @file exception_handlers.hpp
/// Exception handlers: by status code (`{404, fn}`), by type
/// (`exception_handler<MyError>(fn)`), and the 500 handler that receives what an
/// endpoint threw. A handler returns a Response or is a coroutine returning
/// `awaitable<Response>` (it may query the database); it runs with the request.

#include <starling/exceptions.hpp>
#include <starling/responses.hpp>
#include <starling/types.hpp>

#include <exception>
#include <functional>
#include <optional>
#include <type_traits>

namespace starling {

namespace detail {

/// The HTTPException in `error`, or null. The pointee lives as long as `error`.
const HTTPException* http_exception_in(const std::exception_ptr& error);
/// The std::exception in `error`, or null. The pointee lives as long as `error`.
const std::exception* std_exception_in(const std::exception_ptr& error);

/// The `E` in `error`, or null. An HTTPException counts only when `E` is one
/// (it keeps its own answer otherwise, as in Starlette).
template <class E>
const E* exception_as(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const E& e) {
    if constexpr (!std::is_base_of_v<HTTPException, E>) {
      if (dynamic_cast<const HTTPException*>(&e)) return nullptr;
    }
    return &e;
  } catch (...) {
    return nullptr;
  }
}

/// Calls a handler that returns Response (or a subclass) or awaitable<Response>.
template <class F, class Error>
awaitable<Response> call_exception_handler(F& fn, Request& request, const Error& error) {
  using Result = std::invoke_result_t<F&, Request&, const Error&>;
  if constexpr (std::is_convertible_v<Result, awaitable<Response>>) {
    co_return co_await fn(request, error);
  } else {
    static_assert(std::is_convertible_v<Result, Response>,
                  "an exception handler returns Response or awaitable<Response>");
    co_return Response(fn(request, error));
  }
}

}  // namespace detail

/// Turns an exception into a response.
class ExceptionHandler {
 public:
  /// Answers `error`, or gives nullopt when it is not this handler's.
  using Fn = std::function<awaitable<std::optional<Response>>(Request&, std::exception_ptr)>;

  /// Handles an HTTPException whose status is `status_code`. Status 500 handles
  /// every unhandled exception instead. `fn(request, error)` takes as `error`:
  /// - `const HTTPException&` (for 500 and an error that is not one: HTTPException(500));
  /// - `const std::exception&`: the original exception, whatever its type;
  /// - `const std::exception_ptr&`: the original, even when it is no std::exception.
  template <class F>
  requires(!std::is_same_v<std::decay_t<F>, Fn>) ExceptionHandler(int status_code, F fn)
      : fn_(by_status(status_code, std::move(fn))), status_code_(status_code) {}
  /// Low level: `fn` gives nullopt for exceptions it does not handle.
  explicit ExceptionHandler(Fn fn, int status_code = 0) : fn_(std::move(fn)), status_code_(status_code) {}

  awaitable<std::optional<Response>> operator()(Request& request, std::exception_ptr error) const {
    return fn_(request, std::move(error));
  }
  /// The status handled, or 0 for a handler by type.
  int status_code() const { return status_code_; }

 private:
  template <class F>
  static Fn by_status(int status_code, F fn) {
    return [status_code, fn = std::move(fn)](Request& request,
                                             std::exception_ptr error) mutable -> awaitable<std::optional<Response>> {
      const HTTPException* http = detail::http_exception_in(error);
      if (status_code != 500 && (http == nullptr || http->status_code() != status_code)) co_return std::nullopt;
      if constexpr (std::is_invocable_v<F&, Request&, const std::exception_ptr&>) {
        co_return co_await detail::call_exception_handler(fn, request, error);
      } else if constexpr (std::is_invocable_v<F&, Request&, const std::exception&>) {
        const std::exception* original = detail::std_exception_in(error);
        const std::runtime_error unknown("an exception that is not a std::exception");
        if (original) co_return co_await detail::call_exception_handler(fn, request, *original);
        co_return co_await detail::call_exception_handler(fn, request, static_cast<const std::exception&>(unknown));
      } else {
        const HTTPException stand_in(500);
        if (http) co_return co_await detail::call_exception_handler(fn, request, *http);
        co_return co_await detail::call_exception_handler(fn, request, stand_in);
      }
    };
  }

  Fn fn_;
  int status_code_ = 0;
};

/// A handler for exceptions of type `E` (and types derived from it), which
/// receives the `E`: `exception_handler<PaymentError>([](Request&, const PaymentError& e) {...})`.
/// As in Starlette, an HTTPException keeps its own answer unless `E` is
/// HTTPException or derives from it; among type handlers the first declared match wins.
template <class E, class F>
ExceptionHandler exception_handler(F fn) {
  return ExceptionHandler(
      [fn = std::move(fn)](Request& request, std::exception_ptr error) mutable -> awaitable<std::optional<Response>> {
        const E* matched = detail::exception_as<E>(error);
        if (matched == nullptr) co_return std::nullopt;
        co_return co_await detail::call_exception_handler(fn, request, *matched);
      });
}

}  // namespace starling

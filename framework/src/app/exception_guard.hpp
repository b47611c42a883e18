#pragma once
// Exception handlers run outside an App's own layer: the shared matching
// rules, and the layer a Mount with exception handlers puts around its routes.

#include <starling/exception_handlers.hpp>
#include <starling/request.hpp>

#include <exception>
#include <memory>
#include <optional>
#include <vector>

namespace starling::app {

/// The first answer of `handlers` to `error`: status handlers (not 500) for an
/// HTTPException of their status, then type handlers, each in declaration order.
awaitable<std::optional<Response>> run_exception_handlers(const std::vector<ExceptionHandler>& handlers,
                                                          Request& request, std::exception_ptr error);

/// `next`, with what it throws offered to `handlers` first; what they leave
/// goes on to the enclosing layers.
Handler exception_guard(std::shared_ptr<const std::vector<ExceptionHandler>> handlers, Handler next);

}  // namespace starling::app

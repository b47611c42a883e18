#pragma once
// The 500 answer of an app in debug mode: what was thrown and the request it
// failed on, as an HTML page for a browser and as JSON for everything else.

#include <starling/request.hpp>
#include <starling/responses.hpp>

#include <exception>

namespace starling::app {

/// A 500 naming the exception (and the ones it nests) and the request, with
/// credentials (Authorization, Cookie and the like) hidden.
Response debug_response(const Request& request, const std::exception_ptr& error);

}  // namespace starling::app

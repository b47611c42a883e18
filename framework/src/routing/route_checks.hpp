#pragma once
// The checks a Route's declarations ask for (its JSON body, its query
// parameters), run before its endpoint.

#include <starling/routing.hpp>

namespace starling::routing {

/// `endpoint` behind the checks of `docs`; `endpoint` itself when there are none.
Handler with_checks(Handler endpoint, const RouteDocs& docs);

}  // namespace starling::routing

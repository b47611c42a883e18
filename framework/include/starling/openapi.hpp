#pragma once
/// @file openapi.hpp
/// An OpenAPI 3.1 document made from the route table: paths and methods, path
/// parameters typed by their convertors, and what Routes declare (body,
/// query parameters, responses, security; see RouteDocs). Starlette's
/// SchemaGenerator, without the docstrings:
///
///     Route("/openapi.json", openapi_endpoint({.title = "Notes", .version = "1.0.0"}))

#include <starling/routing.hpp>
#include <starling/types.hpp>

#include <map>
#include <string>

namespace starling {

struct OpenAPIInfo {
  std::string title = "API";
  std::string version = "0.1.0";
  std::string description;
  /// By name, as OpenAPI writes them: `{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}`.
  std::map<std::string, json> security_schemes;
};

/// The document for `routes`. WebSocket routes, mounted apps (static files)
/// and routes with `include_in_schema(false)` are left out; HEAD, which GET
/// implies, too. Besides the declared responses, each operation lists the
/// errors its declarations can cause: 422 and 400/415 for a body, 422 for
/// query parameters, 401 for security, 404 for typed path parameters.
/// @throws std::invalid_argument naming a security scheme a route uses that
///         `info` does not define, or two different schemas of one name.
json openapi_document(const Routes& routes, const OpenAPIInfo& info);

/// Serves openapi_document() of the app's route table, made at the first request.
Handler openapi_endpoint(OpenAPIInfo info);

}  // namespace starling

#include "route_checks.hpp"

#include "schema/schema_node.hpp"

#include <starling/exceptions.hpp>
#include <starling/request.hpp>

#include <charconv>
#include <cmath>
#include <memory>

namespace starling::routing {
namespace {

using Kind = Schema::Node::Kind;

bool is_json(const std::string& media_type) {
  return media_type == "application/json" || (media_type.starts_with("application/") && media_type.ends_with("+json"));
}

// The query text as a value of the parameter's type, or nullopt when it is none.
std::optional<json> query_value(const Schema& schema, std::string_view text) {
  const char* end = text.data() + text.size();
  switch (schema.node().kind) {
    case Kind::integer: {
      std::int64_t number = 0;
      const auto [stop, error] = std::from_chars(text.data(), end, number);
      if (error != std::errc() || stop != end) return std::nullopt;
      return json(number);
    }
    case Kind::number: {
      double number = 0;
      const auto [stop, error] = std::from_chars(text.data(), end, number);
      if (error != std::errc() || stop != end || !std::isfinite(number)) return std::nullopt;
      return json(number);
    }
    case Kind::boolean:
      if (text == "true") return json(true);
      if (text == "false") return json(false);
      return std::nullopt;
    default: return json(std::string(text));
  }
}

std::string_view kind_words(Kind kind) {
  switch (kind) {
    case Kind::integer: return "a whole number (64-bit)";
    case Kind::number: return "a number";
    case Kind::boolean: return "true or false";
    default: return "text";
  }
}

void check_query(const Request& request, const RouteDocs& docs, std::vector<SchemaError>& errors) {
  for (const auto& param : docs.query) {
    const auto text = request.query_params().get(param.name);
    if (!text) {
      if (param.required) errors.push_back({param.name, "\"" + param.name + "\" is required"});
      continue;
    }
    const auto value = query_value(param.schema, *text);
    if (!value) {
      errors.push_back({param.name, "\"" + param.name + "\" must be " +
                                        std::string(kind_words(param.schema.node().kind)) + ", not \"" +
                                        std::string(*text) + "\""});
      continue;
    }
    for (auto& error : starling::detail::validate_at(param.schema, *value, param.name))
      errors.push_back(std::move(error));
  }
}

// The docs and the endpoint are shared: the Handler that called this may be a
// copy that dies before the response is ready.
awaitable<Response> checked(std::shared_ptr<const Handler> endpoint, std::shared_ptr<const RouteDocs> docs,
                            Request& request) {
  std::vector<SchemaError> errors;
  check_query(request, *docs, errors);
  if (docs->body) {
    if (!is_json(request.media_type())) throw HTTPException(415, "send the body as application/json");
    const json body = co_await request.json();  // 400 naming the parse error
    for (auto& error : docs->body->validate(body)) errors.push_back(std::move(error));
  }
  if (!errors.empty()) starling::detail::reject(errors);
  co_return co_await (*endpoint)(request);
}

}  // namespace

Handler with_checks(Handler endpoint, const RouteDocs& docs) {
  if (!docs.body && docs.query.empty()) return endpoint;
  return
      [endpoint = std::make_shared<const Handler>(std::move(endpoint)),
       docs = std::make_shared<const RouteDocs>(docs)](Request& request) { return checked(endpoint, docs, request); };
}

}  // namespace starling::routing

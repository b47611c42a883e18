// The OpenAPI document: a walk over the route table.
#include <starling/openapi.hpp>

#include "routing/path_template.hpp"

#include <starling/application.hpp>
#include <starling/exceptions.hpp>
#include <starling/request.hpp>
#include <starling/routing.hpp>

#include <algorithm>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>

namespace starling {
namespace {

constexpr const char* kRefPrefix = "#/components/schemas/";

const Schema& error_schema() {
  static const Schema schema =
      Schema::object({{"detail", Schema::string().described("What went wrong, in words")}}).named("Error");
  return schema;
}

const Schema& validation_error_schema() {
  static const Schema schema =
      Schema::object(
          {{"detail", Schema::array(Schema::object({{"field", Schema::string()}, {"message", Schema::string()}}))
                          .described("Every field that is wrong ('' for the body itself), each with why")}})
          .named("ValidationError");
  return schema;
}

json path_param_schema(const Convertor& convertor) {
  if (convertor == Convertor::integer) return {{"type", "integer"}};
  if (convertor == Convertor::floating) return {{"type", "number"}};
  if (convertor == Convertor::uuid) return {{"type", "string"}, {"format", "uuid"}};
  return {{"type", "string"}};
}

// The methods a Path Item may hold (HEAD is left out: GET implies it).
bool documented_method(const std::string& method) {
  for (const char* known : {"GET", "PUT", "POST", "DELETE", "OPTIONS", "PATCH", "TRACE"})
    if (method == known) return true;
  return false;
}

struct Walk {
  const OpenAPIInfo& info;
  json paths = json::object();
  std::vector<Schema> schemas;  // every schema an operation uses
  std::set<std::string> operation_ids;

  void add(const Routes& routes, const std::string& prefix, const std::string& name_prefix);
  void add_route(const Route& route, const std::string& path, const std::string& name);
  json operation(const Route& route, const json& path_params, bool typed_params);
  std::string operation_id(const std::string& name, const std::string& method, bool several_methods);
};

// Prefixes and names as the router makes them: "/api" + "/notes", "api:" + "list".
void Walk::add(const Routes& routes, const std::string& prefix, const std::string& name_prefix) {
  const auto inner_names = [&](const std::string& name) {
    return name.empty() ? name_prefix : name_prefix + name + ":";
  };
  for (const auto& entry : routes) {
    if (const auto* route = entry.route()) {
      if (route->docs().include_in_schema)
        add_route(*route, prefix + route->path(), route->name().empty() ? "" : name_prefix + route->name());
    } else if (const auto* mount = entry.mount(); mount && !mount->app()) {
      add(mount->routes(), prefix + mount->path(), inner_names(mount->name()));
    } else if (const auto* host = entry.host()) {
      add(host->routes(), prefix, inner_names(host->name()));
    }
  }
}

// Unique, as OpenAPI requires: the route's full name, then its method, then a number.
std::string Walk::operation_id(const std::string& name, const std::string& method, bool several_methods) {
  std::string id = several_methods ? name + "_" + method : name;
  if (operation_ids.contains(id)) id = name + "_" + method;
  for (int n = 2; operation_ids.contains(id); ++n) id = name + "_" + method + "_" + std::to_string(n);
  operation_ids.insert(id);
  return id;
}

void Walk::add_route(const Route& route, const std::string& path, const std::string& name) {
  std::string openapi_path;
  json params = json::array();
  bool typed = false;
  for (const auto& segment : routing::parse_template(path)) {
    openapi_path += '/';
    if (!segment.is_param) {
      openapi_path += segment.text;
      continue;
    }
    openapi_path += "{" + segment.text + "}";
    params.push_back(
        {{"name", segment.text}, {"in", "path"}, {"required", true}, {"schema", path_param_schema(segment.convertor)}});
    typed = typed || segment.convertor == Convertor::integer || segment.convertor == Convertor::uuid;
  }
  if (openapi_path.empty()) openapi_path = "/";
  const auto methods = std::count_if(route.methods().begin(), route.methods().end(), documented_method);
  for (const auto& method : route.methods()) {
    if (!documented_method(method)) continue;
    std::string key = method;
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    auto& item = paths[openapi_path];
    if (item.contains(key)) continue;  // the router answers with the first route, so the document does too
    item[key] = operation(route, params, typed);
    if (!name.empty()) item[key]["operationId"] = operation_id(name, method, methods > 1);
  }
}

json Walk::operation(const Route& route, const json& path_params, bool typed_params) {
  const RouteDocs& docs = route.docs();
  json operation = json::object();
  if (!docs.summary.empty()) operation["summary"] = docs.summary;
  if (!docs.description.empty()) operation["description"] = docs.description;
  json params = path_params;
  for (const auto& query : docs.query) {
    json param = {{"name", query.name},
                  {"in", "query"},
                  {"required", query.required},
                  {"schema", query.schema.to_json(kRefPrefix)}};
    if (!query.description.empty()) param["description"] = query.description;
    params.push_back(std::move(param));
    schemas.push_back(query.schema);
  }
  if (!params.empty()) operation["parameters"] = std::move(params);
  if (docs.body) {
    operation["requestBody"] = {{"required", true},
                                {"content", {{"application/json", {{"schema", docs.body->to_json(kRefPrefix)}}}}}};
    schemas.push_back(*docs.body);
  }

  json responses = json::object();
  const auto answer = [&](int status, const std::string& description, const std::optional<Schema>& schema) {
    const std::string code = std::to_string(status);
    if (responses.contains(code)) return;  // declared ones come first and win
    json response = {{"description", description.empty() ? std::string(reason_phrase(status)) : description}};
    if (schema) {
      response["content"] = {{"application/json", {{"schema", schema->to_json(kRefPrefix)}}}};
      schemas.push_back(*schema);
    }
    responses[code] = std::move(response);
  };
  for (const auto& declared : docs.responses) answer(declared.status_code, declared.description, declared.schema);
  if (docs.responses.empty()) answer(200, {}, std::nullopt);
  if (docs.body) {
    answer(400, "The body is not valid JSON", error_schema());
    answer(415, "The body is not JSON", error_schema());
  }
  if (docs.body || !docs.query.empty())
    answer(422, "What is wrong with the request, field by field", validation_error_schema());
  if (!docs.security.empty()) answer(401, "Missing or wrong credentials", error_schema());
  if (typed_params) answer(404, "Nothing has that path", error_schema());
  operation["responses"] = std::move(responses);

  if (!docs.security.empty()) {
    json security = json::array();
    for (const auto& scheme : docs.security) {
      if (!info.security_schemes.contains(scheme))
        throw std::invalid_argument("OpenAPI: the route '" + route.path() + "' needs the security scheme '" + scheme +
                                    "', which OpenAPIInfo::security_schemes does not define");
      security.push_back({{scheme, json::array()}});
    }
    operation["security"] = std::move(security);
  }
  return operation;
}

// The text is copied into the coroutine frame: the Response must outlive the call.
awaitable<Response> json_text(std::string text) { co_return Response(std::move(text), 200, {}, "application/json"); }

}  // namespace

json openapi_document(const Routes& routes, const OpenAPIInfo& info) {
  Walk walk{info};
  walk.add(routes, "", "");
  json document = {{"openapi", "3.1.0"}, {"info", {{"title", info.title}, {"version", info.version}}}};
  if (!info.description.empty()) document["info"]["description"] = info.description;
  document["paths"] = std::move(walk.paths);

  json components = json::object();
  json definitions = json::object();
  // Every named schema reached, each defined once.
  for (const auto& schema : walk.schemas) {
    for (const auto& found : schema.named_schemas()) {
      auto definition = found.definition(kRefPrefix);
      if (definitions.contains(found.name()) && definitions[found.name()] != definition)
        throw std::invalid_argument("OpenAPI: two different schemas are both named '" + found.name() + "'");
      definitions[found.name()] = std::move(definition);
    }
  }
  if (!definitions.empty()) components["schemas"] = std::move(definitions);
  if (!info.security_schemes.empty()) components["securitySchemes"] = info.security_schemes;
  if (!components.empty()) document["components"] = std::move(components);
  return document;
}

Handler openapi_endpoint(OpenAPIInfo info) {
  // Made once, under a mutex rather than call_once: a route table the
  // document refuses throws to this request and the next, never hangs them.
  struct Cache {
    OpenAPIInfo info;
    std::mutex mutex;
    std::optional<std::string> text;
  };
  auto cache = std::make_shared<Cache>();
  cache->info = std::move(info);
  return [cache](Request& request) {
    if (!request.app()) throw std::logic_error("openapi_endpoint serves an App's routes: call it through an App");
    const std::lock_guard lock(cache->mutex);
    if (!cache->text) cache->text = openapi_document(request.app()->routes(), cache->info).dump();
    return json_text(*cache->text);
  };
}

}  // namespace starling

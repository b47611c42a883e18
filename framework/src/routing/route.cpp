#include <starling/routing.hpp>

#include "path_template.hpp"
#include "route_checks.hpp"
#include "schema/schema_node.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace starling {

Route::Route(std::string path, Handler endpoint, std::vector<std::string> methods, std::string name, int)
    : path_(std::move(path)), endpoint_(std::move(endpoint)), methods_(std::move(methods)), name_(std::move(name)) {
  routing::parse_template(path_);  // validate now, so a bad table fails at startup
  if (!endpoint_) throw std::invalid_argument("route '" + path_ + "' has no endpoint");
  if (methods_.empty()) methods_ = {"GET"};
  for (auto& method : methods_)
    std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::toupper(c); });
  const auto has = [&](std::string_view m) { return std::find(methods_.begin(), methods_.end(), m) != methods_.end(); };
  if (has("GET") && !has("HEAD")) methods_.emplace_back("HEAD");
}

Route& Route::middleware(const std::vector<Middleware>& middleware) {
  // A later call wraps what the earlier ones made, so its middleware goes outside theirs.
  middleware_.insert(middleware_.begin(), middleware.begin(), middleware.end());
  return *this;
}

Handler Route::handler() const {
  Handler handler = routing::with_checks(endpoint_, docs_);  // the endpoint itself when nothing is declared
  for (auto it = middleware_.rbegin(); it != middleware_.rend(); ++it) handler = (*it)(std::move(handler));
  return handler;
}

Route& Route::body(Schema schema) {
  docs_.body = std::move(schema);
  return *this;
}

Route& Route::query(std::string name, Schema schema, bool required, std::string description) {
  using Kind = Schema::Node::Kind;
  if (schema.node().kind == Kind::array || schema.node().kind == Kind::object)
    throw std::invalid_argument("route '" + path_ + "': the query parameter '" + name +
                                "' must be a string, integer, number or boolean");
  docs_.query.push_back({std::move(name), std::move(schema), required, std::move(description)});
  return *this;
}

Route& Route::response(int status_code, std::string description, std::optional<Schema> schema) {
  if (status_code < 100 || status_code > 599)
    throw std::invalid_argument("route '" + path_ + "': " + std::to_string(status_code) + " is no HTTP status");
  docs_.responses.push_back({status_code, std::move(description), std::move(schema)});
  return *this;
}

Route& Route::summary(std::string text) {
  docs_.summary = std::move(text);
  return *this;
}

Route& Route::description(std::string text) {
  docs_.description = std::move(text);
  return *this;
}

Route& Route::security(std::string scheme) {
  docs_.security.push_back(std::move(scheme));
  return *this;
}

Route& Route::include_in_schema(bool include) {
  docs_.include_in_schema = include;
  return *this;
}

WebSocketRoute::WebSocketRoute(std::string path, WebSocketEndpoint endpoint, std::string name)
    : path_(std::move(path)), endpoint_(std::move(endpoint)), name_(std::move(name)) {
  routing::parse_template(path_);
  if (!endpoint_) throw std::invalid_argument("WebSocket route '" + path_ + "' has no endpoint");
}

RouteEntry::RouteEntry(Route route) : route_(std::make_shared<const Route>(std::move(route))) {}
RouteEntry::RouteEntry(WebSocketRoute route)
    : websocket_route_(std::make_shared<const WebSocketRoute>(std::move(route))) {}
RouteEntry::RouteEntry(Mount mount) : mount_(std::make_shared<const Mount>(std::move(mount))) {}
RouteEntry::RouteEntry(Host host) : host_(std::make_shared<const Host>(std::move(host))) {}

Mount::Mount(std::string path, Routes routes, std::string name)
    : path_(std::move(path)), routes_(std::move(routes)), name_(std::move(name)) {
  while (path_.size() > 1 && path_.back() == '/') path_.pop_back();
  if (path_ == "/") path_.clear();
  if (!path_.empty()) routing::parse_template(path_);
}

Mount::Mount(std::string path, Handler app, std::string name) : Mount(std::move(path), Routes{}, std::move(name)) {
  if (!app) throw std::invalid_argument("mount '" + path_ + "' has no app");
  app_ = std::move(app);
}

Mount& Mount::exception_handlers(std::vector<ExceptionHandler> handlers) {
  for (const auto& handler : handlers)
    if (handler.status_code() == 500)
      throw std::invalid_argument("mount '" + path_ +
                                  "': a 500 handler catches what nothing else did, so it belongs to the App");
  exception_handlers_ = std::move(handlers);
  return *this;
}

Host::Host(std::string host, Routes routes, std::string name)
    : host_(std::move(host)), routes_(std::move(routes)), name_(std::move(name)) {
  routing::parse_host_template(host_);
}

PathArg::PathArg(double number) {
  char text[64];
  // Fixed notation: the float convertor takes no exponent; shortest round-trip digits.
  const auto result = std::to_chars(text, text + sizeof text, number, std::chars_format::fixed);
  text_.assign(text, result.ptr);
}

}  // namespace starling

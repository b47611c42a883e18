#include <starling/routing.hpp>

#include "path_template.hpp"

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
  // Wrapped now: the route's endpoint is the whole stack, so routing stays as it was.
  for (auto it = middleware.rbegin(); it != middleware.rend(); ++it) endpoint_ = (*it)(std::move(endpoint_));
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

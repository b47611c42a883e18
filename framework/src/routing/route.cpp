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

WebSocketRoute::WebSocketRoute(std::string path, WebSocketEndpoint endpoint, std::string name)
    : path_(std::move(path)), endpoint_(std::move(endpoint)), name_(std::move(name)) {
  routing::parse_template(path_);
  if (!endpoint_) throw std::invalid_argument("WebSocket route '" + path_ + "' has no endpoint");
}

RouteEntry::RouteEntry(Route route) : route_(std::make_shared<const Route>(std::move(route))) {}
RouteEntry::RouteEntry(WebSocketRoute route)
    : websocket_route_(std::make_shared<const WebSocketRoute>(std::move(route))) {}
RouteEntry::RouteEntry(Mount mount) : mount_(std::make_shared<const Mount>(std::move(mount))) {}

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

PathArg::PathArg(double number) {
  char text[64];
  // Fixed notation: the float convertor takes no exponent; shortest round-trip digits.
  const auto result = std::to_chars(text, text + sizeof text, number, std::chars_format::fixed);
  text_.assign(text, result.ptr);
}

}  // namespace starling

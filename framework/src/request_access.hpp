#pragma once
// The parts of a Request that the framework sets and endpoints only read.

#include <starling/request.hpp>

#include <exception>
#include <memory>

namespace starling::detail {

struct RequestScope {
  std::shared_ptr<starling::json> session;
  std::shared_ptr<const BaseUser> user;
  std::shared_ptr<const AuthCredentials> auth;
  std::string request_id;
};

struct RequestAccess {
  static void set_app(Request& request, App* app, State& app_state, std::size_t max_body_size) {
    request.app_ = app;
    request.max_body_size_ = max_body_size;
    request.state_.fallback_ = &app_state;
  }
  static void set_path_params(Request& request, PathParams params) { request.path_params_ = std::move(params); }
  /// The first router to match names the route: an app under a Mount keeps the mount's.
  static void set_route_path(Request& request, const std::string& path) {
    if (!request.route_path_) request.route_path_ = &path;
  }
  static std::exception_ptr& unhandled_exception(Request& request) { return request.unhandled_exception_; }
  static const std::shared_ptr<WebSocketChannel>& websocket(Request& request) { return request.websocket_; }
  static RequestScope& scope(Request& request) {
    if (!request.scope_) request.scope_ = std::make_shared<RequestScope>();
    return *request.scope_;
  }
  static const RequestScope* scope_if_any(const Request& request) { return request.scope_.get(); }
  static std::shared_ptr<starling::json>& session(Request& request) { return scope(request).session; }
  static void set_auth(Request& request, std::shared_ptr<const AuthCredentials> auth,
                       std::shared_ptr<const BaseUser> user) {
    scope(request).auth = std::move(auth);
    scope(request).user = std::move(user);
  }
  static void set_client(Request& request, Address client) { request.client_ = std::move(client); }
  static URL& url(Request& request) { return request.url_; }
};

}  // namespace starling::detail

#pragma once
// The parts of a Request that the framework sets and endpoints only read.

#include <starling/request.hpp>

#include <exception>

namespace starling::detail {

struct RequestAccess {
  static void set_app(Request& request, App* app, State& app_state, std::size_t max_body_size) {
    request.app_ = app;
    request.max_body_size_ = max_body_size;
    request.state_.fallback_ = &app_state;
  }
  static void set_path_params(Request& request, PathParams params) { request.path_params_ = std::move(params); }
  static std::exception_ptr& unhandled_exception(Request& request) { return request.unhandled_exception_; }
  static const std::shared_ptr<WebSocketChannel>& websocket(Request& request) { return request.websocket_; }
};

}  // namespace starling::detail

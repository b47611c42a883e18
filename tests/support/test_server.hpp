#pragma once
/// @file test_server.hpp
/// A real Server on 127.0.0.1 with a free port for the lifetime of a test.

#include "support/raw_client.hpp"

#include <starling/server.hpp>

#include <chrono>
#include <cstdint>
#include <memory>

namespace starling::test {

/// Options fit for tests: two threads and short shutdown; host and port are
/// always 127.0.0.1:0 in a TestServer.
ServerOptions test_server_options();

/// Starts a Server for `app` (startup hooks included) and stops it, gracefully,
/// in its destructor.
class TestServer {
 public:
  /// @throws whatever Server::start() throws.
  explicit TestServer(App& app, ServerOptions options = test_server_options());
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  std::uint16_t port() const { return server_->port(); }
  Server& server() { return *server_; }
  /// A new connection to the server.
  RawClient connect(std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

 private:
  std::unique_ptr<Server> server_;
};

/// True when something accepts TCP connections on 127.0.0.1:port.
bool port_accepts(std::uint16_t port);

}  // namespace starling::test

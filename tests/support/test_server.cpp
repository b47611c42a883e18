#include "support/test_server.hpp"

#include <stdexcept>

namespace starling::test {

ServerOptions test_server_options() {
  ServerOptions options;
  options.threads = 2;
  options.shutdown_timeout = std::chrono::seconds(2);
  options.access_log = false;  // tests that want it turn it on
  return options;
}

TestServer::TestServer(App& app, ServerOptions options) {
  options.host = "127.0.0.1";
  options.port = 0;
  server_ = std::make_unique<Server>(app, std::move(options));
  server_->start();
}

TestServer::~TestServer() {
  try {
    server_->stop();
  } catch (...) {
  }
}

RawClient TestServer::connect(std::chrono::milliseconds timeout) const { return RawClient(port(), timeout); }

bool port_accepts(std::uint16_t port) {
  try {
    RawClient client(port);
    return true;
  } catch (const std::runtime_error&) {
    return false;
  }
}

}  // namespace starling::test

#pragma once
// The listening socket: accepts on the first loop and deals connections out to
// every loop in turn.

#include "server_state.hpp"

#include <starling/types.hpp>

#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <vector>

namespace starling::server {

/// Accepts connections and starts a session for each, round-robin over the loops.
class Listener {
 public:
  /// Binds and listens on `endpoint` with the first loop's context.
  /// @throws boost::system::system_error when the address cannot be bound.
  Listener(ServerState& state, std::vector<Loop*> loops, const boost::asio::ip::tcp::endpoint& endpoint);

  /// The bound port (the chosen one when asked for port 0).
  std::uint16_t port() const { return port_; }
  /// Starts accepting (on the first loop).
  void start();
  /// Stops accepting; callable from any thread. The accept loop ends by itself.
  void close();

 private:
  awaitable<void> accept_loop();

  ServerState& state_;
  std::vector<Loop*> loops_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
};

}  // namespace starling::server

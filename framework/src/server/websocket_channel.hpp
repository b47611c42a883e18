#pragma once
// A WebSocket over the session's socket (Beast's websocket stream): the
// handshake's checks before the app, and the channel the app's WebSocket uses.

#include "convert.hpp"

#include "websockets/channel.hpp"

#include <starling/request.hpp>
#include <starling/server.hpp>

#include <boost/asio/ip/tcp.hpp>

#include <memory>
#include <optional>

namespace starling::server {

class Session;

/// What a request's head says about a WebSocket upgrade (RFC 6455 §4.2.1).
struct UpgradeCheck {
  bool wanted = false;               ///< it asks for `Upgrade: websocket`
  std::optional<ServerError> error;  ///< and cannot have it: 400, or 426 for another version
};
UpgradeCheck check_upgrade(const RequestParts& parts);

/// The channel of one handshake. The session keeps a weak reference (for its
/// shutdown); the WebSocket and its senders keep it alive, and it keeps the
/// session alive only during an operation.
class ServerWebSocketChannel final : public detail::WebSocketChannel {
 public:
  ServerWebSocketChannel(std::weak_ptr<Session> session, boost::asio::ip::tcp::socket& socket,
                         const RequestParts& handshake, const ServerOptions& options);
  ~ServerWebSocketChannel() override;

  awaitable<void> accept(const std::string& subprotocol, const Headers& headers, std::size_t max_message_size) override;
  bool accepted() const override { return accepted_; }
  awaitable<detail::ChannelMessage> read() override;
  awaitable<bool> write(bool text, const std::string& data) override;
  awaitable<void> close(int code, const std::string& reason) override;
  boost::asio::any_io_executor executor() override;

 private:
  struct Impl;  // Beast's types stay in websocket_channel.cpp
  std::weak_ptr<Session> session_;
  std::unique_ptr<Impl> impl_;
  bool accepted_ = false;
};

}  // namespace starling::server

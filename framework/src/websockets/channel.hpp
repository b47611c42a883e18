#pragma once
// The transport under a WebSocket: the server's socket (Beast) or the
// TestClient's in-process queues. WebSocket (websocket.cpp) builds the state
// machine, the send queue and the JSON on top, the same for both.

#include <starling/datastructures.hpp>
#include <starling/types.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <string>

namespace starling::detail {

/// What the peer sent: a message, or its close (also how a lost connection,
/// 1006, or a message over the size limit, 1009, arrives).
struct ChannelMessage {
  enum class Kind { text, binary, close };
  Kind kind = Kind::text;
  std::string data;  ///< the message, or the close reason
  int close_code = 0;
};

class WebSocketChannel {
 public:
  virtual ~WebSocketChannel() = default;
  /// Completes the handshake with 101 Switching Protocols.
  /// @throws WebSocketDisconnect(1006) when it cannot be sent.
  virtual awaitable<void> accept(const std::string& subprotocol, const Headers& headers,
                                 std::size_t max_message_size) = 0;
  /// The endpoint closed before accepting: the handshake is refused.
  virtual void refuse(int code) { (void)code; }
  /// Whether accept() sent the 101.
  virtual bool accepted() const = 0;
  /// The next message or close. Called by one coroutine at a time.
  virtual awaitable<ChannelMessage> read() = 0;
  /// Sends a message; false when the connection is gone. One at a time.
  virtual awaitable<bool> write(bool text, const std::string& data) = 0;
  /// Sends a close frame and waits (bounded) for the peer's. One at a time, with write().
  virtual awaitable<void> close(int code, const std::string& reason) = 0;
  /// The event loop the connection lives on: everything above runs there.
  virtual boost::asio::any_io_executor executor() = 0;

  /// Set by the WebSocket: called on the executor when the server shuts down.
  std::function<void()> on_going_away;
};

}  // namespace starling::detail

#pragma once
/// @file websockets.hpp
/// WebSocket: what a WebSocketRoute's endpoint talks to.

#include <starling/request.hpp>
#include <starling/types.hpp>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace starling {

namespace detail {
class WebSocketChannel;  // the transport: the server's socket or the TestClient
struct WebSocketShared;  // what a WebSocket and its senders share
}  // namespace detail

/// Close codes of RFC 6455 §7.4.1 that apps use.
namespace close_code {
inline constexpr int normal = 1000;
inline constexpr int going_away = 1001;  ///< the server shuts down, or the page is left
inline constexpr int protocol_error = 1002;
inline constexpr int unsupported_data = 1003;
inline constexpr int abnormal = 1006;  ///< the connection was lost without a close frame
inline constexpr int invalid_data = 1007;
inline constexpr int policy_violation = 1008;
inline constexpr int message_too_big = 1009;
inline constexpr int internal_error = 1011;
}  // namespace close_code

/// The peer closed the connection (or it was lost): `code` says how.
class WebSocketDisconnect : public std::runtime_error {
 public:
  explicit WebSocketDisconnect(int code = close_code::normal, std::string reason = {});
  int code() const { return code_; }
  const std::string& reason() const { return reason_; }

 private:
  int code_;
  std::string reason_;
};

/// One message: text or binary.
struct WebSocketMessage {
  bool text = true;
  std::string data;
};

/// A handle to send through a WebSocket from anywhere: another connection's
/// endpoint, another thread, a background task. Copies are cheap; sending
/// after the socket closed does nothing.
class WebSocketSender {
 public:
  /// Queues a message; it goes out after those queued before it. False when the socket is closed.
  bool send_text(std::string text) const;
  bool send_bytes(std::string data) const;
  bool send_json(const json& value) const { return send_text(value.dump()); }
  /// Whether the socket is still open for sending.
  bool is_open() const;
  friend bool operator==(const WebSocketSender&, const WebSocketSender&) = default;

 private:
  friend class WebSocket;
  explicit WebSocketSender(std::shared_ptr<detail::WebSocketShared> shared) : shared_(std::move(shared)) {}
  std::shared_ptr<detail::WebSocketShared> shared_;
};

/// A WebSocket connection, as in Starlette: accept it, then receive and send
/// until either side closes. Every method runs on the connection's event loop
/// (the endpoint's coroutine); use sender() to send from elsewhere.
class WebSocket {
 public:
  enum class State { connecting, connected, disconnected };

  WebSocket(Request& request, std::shared_ptr<detail::WebSocketChannel> channel, std::size_t max_message_size);
  ~WebSocket();
  WebSocket(const WebSocket&) = delete;
  WebSocket& operator=(const WebSocket&) = delete;

  /// The handshake request: url, headers, query and path parameters, cookies, client, state.
  Request& request() { return request_; }
  const PathParams& path_params() const { return request_.path_params(); }
  const QueryParams& query_params() const { return request_.query_params(); }
  const Headers& headers() const { return request_.headers(); }
  const URL& url() const { return request_.url(); }
  /// The subprotocols the client offered (Sec-WebSocket-Protocol), in its order.
  std::vector<std::string> subprotocols() const;

  /// Completes the handshake. `subprotocol` must be one the client offered (or empty).
  /// @throws std::invalid_argument for a subprotocol the client did not offer;
  ///         std::logic_error when already accepted or closed.
  awaitable<void> accept(std::string_view subprotocol = {}, Headers headers = {});

  /// The next message. @throws WebSocketDisconnect when the peer closed (its code),
  /// the connection was lost (1006) or a message was too large (1009).
  awaitable<WebSocketMessage> receive();
  /// The next message as text / bytes / JSON. @throws WebSocketDisconnect as receive();
  /// a message of the other kind, or JSON that does not parse, closes with 1003 / 1007
  /// and throws WebSocketDisconnect with that code.
  awaitable<std::string> receive_text();
  awaitable<std::string> receive_bytes();
  awaitable<json> receive_json();
  /// Messages until the peer leaves: `while (auto message = co_await ws.next())`.
  /// nullopt then; disconnect_code() says why.
  awaitable<std::optional<WebSocketMessage>> next();

  /// Sends a message, after any queued by senders. @throws WebSocketDisconnect once closed.
  awaitable<void> send_text(std::string_view text);
  awaitable<void> send_bytes(std::string_view data);
  awaitable<void> send_json(const json& value);

  /// Closes with `code`; before accept() it refuses the handshake (HTTP 403).
  awaitable<void> close(int code = close_code::normal, std::string_view reason = {});

  State state() const;
  /// The peer's close code once it has left, or nullopt.
  std::optional<int> disconnect_code() const;
  /// A handle to send from other connections or threads.
  WebSocketSender sender() const { return WebSocketSender(shared_); }

 private:
  awaitable<void> send(bool text, std::string data);

  Request& request_;
  std::shared_ptr<detail::WebSocketShared> shared_;
};

}  // namespace starling

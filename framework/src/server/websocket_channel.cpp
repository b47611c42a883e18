#include "websocket_channel.hpp"

#include "session.hpp"

#include <starling/websockets.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/websocket.hpp>

#include <cctype>

namespace starling::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using detail::ChannelMessage;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// A read buffer grown past this by a large message is given back after it.
constexpr std::size_t kKeptBufferSize = 64 * 1024;

bool has_token(const Headers& headers, std::string_view name, std::string_view token) {
  for (const auto value : headers.get_list(name)) {
    std::string_view list = value;
    while (!list.empty()) {
      const auto comma = list.find(',');
      auto item = list.substr(0, comma);
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
      if (item.size() == token.size() && std::equal(item.begin(), item.end(), token.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == b;
          }))
        return true;
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
  }
  return false;
}

// The key is 16 random bytes in base64: 22 characters and "==".
bool valid_key(std::string_view key) {
  if (key.size() != 24 || !key.ends_with("==")) return false;
  for (const char c : key.substr(0, 22))
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/') return false;
  return true;
}

}  // namespace

UpgradeCheck check_upgrade(const RequestParts& parts) {
  UpgradeCheck check;
  check.wanted = has_token(parts.headers, "upgrade", "websocket");
  if (!check.wanted) return check;
  if (parts.method != "GET" || parts.version < 11) {
    check.error = ServerError{400, "A WebSocket handshake is a GET in HTTP/1.1"};
  } else if (!has_token(parts.headers, "connection", "upgrade")) {
    check.error = ServerError{400, "A WebSocket handshake needs 'Connection: Upgrade'"};
  } else if (parts.headers.get("sec-websocket-version").value_or("") != "13") {
    check.error = ServerError{426, "Unsupported WebSocket version: this server speaks 13",
                              Headers{{"Sec-WebSocket-Version", "13"}}};
  } else if (!valid_key(parts.headers.get("sec-websocket-key").value_or(""))) {
    check.error = ServerError{400, "Missing or invalid Sec-WebSocket-Key"};
  }
  return check;
}

struct ServerWebSocketChannel::Impl {
  Impl(tcp::socket& socket, const RequestParts& handshake, const ServerOptions& options)
      : stream(socket), idle_timeout(options.websocket_idle_timeout), close_timeout(options.header_timeout) {
    request.method_string(handshake.method);
    request.target(handshake.target);
    request.version(handshake.version);
    for (const auto& [name, value] : handshake.headers) request.insert(name, value);
  }

  websocket::stream<tcp::socket&> stream;
  http::request<http::empty_body> request;
  beast::flat_buffer buffer;
  std::chrono::milliseconds idle_timeout;
  std::chrono::milliseconds close_timeout;
};

ServerWebSocketChannel::ServerWebSocketChannel(std::weak_ptr<Session> session, tcp::socket& socket,
                                               const RequestParts& handshake, const ServerOptions& options)
    : session_(std::move(session)), impl_(std::make_unique<Impl>(socket, handshake, options)) {}

ServerWebSocketChannel::~ServerWebSocketChannel() = default;

awaitable<void> ServerWebSocketChannel::accept(const std::string& subprotocol, const Headers& headers,
                                               std::size_t max_message_size) {
  const auto session = session_.lock();
  if (!session) throw WebSocketDisconnect(close_code::abnormal, "the connection is gone");
  auto& stream = impl_->stream;
  stream.read_message_max(max_message_size);
  // Beast pings a silent peer at half the idle timeout and drops it at the end.
  websocket::stream_base::timeout timeouts{impl_->close_timeout, impl_->idle_timeout, /*keep_alive_pings=*/true};
  stream.set_option(timeouts);
  stream.set_option(websocket::stream_base::decorator([subprotocol, headers](websocket::response_type& response) {
    response.set(http::field::server, "Starling");  // else Beast names itself, with its version
    if (!subprotocol.empty()) response.set(http::field::sec_websocket_protocol, subprotocol);
    for (const auto& [name, value] : headers) response.insert(name, value);
  }));
  auto [ec] = co_await stream.async_accept(impl_->request, kNoThrow);
  if (ec) throw WebSocketDisconnect(close_code::abnormal, "the handshake failed: " + ec.message());
  accepted_ = true;
}

awaitable<ChannelMessage> ServerWebSocketChannel::read() {
  const auto session = session_.lock();
  if (!session) co_return ChannelMessage{ChannelMessage::Kind::close, "the connection is gone", close_code::abnormal};
  auto& buffer = impl_->buffer;
  auto [ec, bytes] = co_await impl_->stream.async_read(buffer, kNoThrow);
  if (ec == websocket::error::closed) {
    const auto& reason = impl_->stream.reason();
    co_return ChannelMessage{ChannelMessage::Kind::close, std::string(reason.reason.c_str()), reason.code};
  }
  if (ec == websocket::error::message_too_big) {
    // Beast has sent the close frame with 1009 already.
    buffer.clear();
    buffer.shrink_to_fit();
    co_return ChannelMessage{ChannelMessage::Kind::close, "message too big", close_code::message_too_big};
  }
  if (ec) co_return ChannelMessage{ChannelMessage::Kind::close, ec.message(), close_code::abnormal};
  ChannelMessage message{impl_->stream.got_text() ? ChannelMessage::Kind::text : ChannelMessage::Kind::binary,
                         beast::buffers_to_string(buffer.data())};
  buffer.consume(buffer.size());
  if (buffer.capacity() > kKeptBufferSize) buffer.shrink_to_fit();
  co_return message;
}

awaitable<bool> ServerWebSocketChannel::write(bool text, const std::string& data) {
  const auto session = session_.lock();
  if (!session) co_return false;
  impl_->stream.text(text);
  auto [ec, bytes] = co_await impl_->stream.async_write(asio::buffer(data), kNoThrow);
  co_return !ec;
}

awaitable<void> ServerWebSocketChannel::close(int code, const std::string& reason) {
  const auto session = session_.lock();
  if (!session) co_return;
  // A close reason fits in a control frame: 123 bytes at most.
  websocket::close_reason why(static_cast<websocket::close_code>(code), reason.substr(0, 123));
  auto [ec] = co_await impl_->stream.async_close(why, kNoThrow);
  (void)ec;  // a peer that is gone cannot answer: the connection ends either way
}

asio::any_io_executor ServerWebSocketChannel::executor() { return impl_->stream.get_executor(); }

}  // namespace starling::server

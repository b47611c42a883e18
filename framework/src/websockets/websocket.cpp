#include <starling/websockets.hpp>

#include <starling/logging.hpp>

#include "bounded_json.hpp"
#include "websockets/shared.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace starling {
namespace {

namespace asio = boost::asio;
using detail::WebSocketShared;
using Outgoing = WebSocketShared::Outgoing;

// A peer that reads slower than the app sends would grow the queue without
// end; past this it is closed with 1008 instead.
constexpr std::size_t kMaxQueuedBytes = 16 * 1024 * 1024;

std::vector<std::string> split_tokens(std::string_view list) {
  std::vector<std::string> tokens;
  while (!list.empty()) {
    const auto comma = list.find(',');
    auto token = list.substr(0, comma);
    while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.remove_prefix(1);
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
    if (!token.empty()) tokens.emplace_back(token);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
  return tokens;
}

}  // namespace

WebSocketDisconnect::WebSocketDisconnect(int code, std::string reason)
    : std::runtime_error("WebSocket closed with code " + std::to_string(code) + (reason.empty() ? "" : ": " + reason)),
      code_(code),
      reason_(std::move(reason)) {}

// --- WebSocketShared ---

detail::WebSocketShared::WebSocketShared(std::shared_ptr<WebSocketChannel> channel_, std::size_t max_message_size_)
    : channel(std::move(channel_)), executor(channel->executor()), max_message_size(max_message_size_) {}

void detail::WebSocketShared::enqueue(Outgoing frame) {
  if (close_queued || state != WebSocket::State::connected) return;
  if (frame.kind == Outgoing::Kind::close) {
    close_queued = true;
    open = false;
  } else if (queued_bytes + frame.data.size() > kMaxQueuedBytes) {
    log::warning("WebSocket peer reads too slowly: " + std::to_string(queued_bytes) + " bytes queued; closing");
    queue.clear();
    queued_bytes = 0;
    close_queued = true;
    open = false;
    frame = Outgoing{Outgoing::Kind::close, "the client does not keep up", close_code::policy_violation};
  }
  queued_bytes += frame.data.size();
  queue.push_back(std::move(frame));
  if (writing) return;
  writing = true;
  asio::co_spawn(
      executor, [self = shared_from_this()] { return self->drain(); }, asio::detached);
}

awaitable<void> detail::WebSocketShared::drain() {
  // Holds itself and the channel: a sender's writer may outlive the WebSocket.
  const auto self = shared_from_this();
  const auto transport = channel;
  while (!queue.empty()) {
    Outgoing frame = std::move(queue.front());
    queue.pop_front();
    queued_bytes -= frame.data.size();
    if (frame.kind == Outgoing::Kind::close) {
      co_await transport->close(frame.code, frame.data);
      mark_closed();
      break;
    }
    const bool sent = co_await transport->write(frame.kind == Outgoing::Kind::text, frame.data);
    if (!sent) {
      mark_closed();
      break;
    }
  }
  writing = false;
  if (drain_waiter) drain_waiter->cancel();
}

awaitable<void> detail::WebSocketShared::wait_drained() {
  while (writing) {
    asio::steady_timer timer(executor, asio::steady_timer::time_point::max());
    drain_waiter = &timer;
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    drain_waiter = nullptr;
  }
}

void detail::WebSocketShared::detach() {
  {
    std::lock_guard lock(post_mutex);  // a sender past its check of `open` posts first
    mark_closed();
  }
  drain_waiter = nullptr;
  if (channel) channel->on_going_away = nullptr;
  channel.reset();  // a writer still running holds its own reference
}

void detail::WebSocketShared::mark_closed() {
  state = WebSocket::State::disconnected;
  open = false;
  close_queued = true;
  queue.clear();
  queued_bytes = 0;
}

// --- WebSocketSender ---

bool detail::WebSocketShared::post(Outgoing frame) {
  std::lock_guard lock(post_mutex);
  if (!open) return false;
  asio::post(executor,
             [self = shared_from_this(), frame = std::move(frame)]() mutable { self->enqueue(std::move(frame)); });
  return true;
}

bool WebSocketSender::send_text(std::string text) const {
  return shared_ && shared_->post(Outgoing{Outgoing::Kind::text, std::move(text)});
}

bool WebSocketSender::send_bytes(std::string data) const {
  return shared_ && shared_->post(Outgoing{Outgoing::Kind::binary, std::move(data)});
}

bool WebSocketSender::is_open() const { return shared_ && shared_->open; }

// --- WebSocket ---

WebSocket::WebSocket(Request& request, std::shared_ptr<detail::WebSocketChannel> channel, std::size_t max_message_size)
    : request_(request), shared_(std::make_shared<detail::WebSocketShared>(std::move(channel), max_message_size)) {
  shared_->channel->on_going_away = [weak = std::weak_ptr(shared_)] {
    if (const auto shared = weak.lock())
      shared->enqueue(Outgoing{Outgoing::Kind::close, "Server shutting down", close_code::going_away});
  };
}

// Senders kept elsewhere stop here, even when the connection's loop is being
// torn down with the endpoint still suspended: nothing may be posted to it then.
WebSocket::~WebSocket() { shared_->detach(); }

std::vector<std::string> WebSocket::subprotocols() const {
  std::vector<std::string> offered;
  for (const auto header : request_.headers().get_list("sec-websocket-protocol"))
    for (auto& token : split_tokens(header)) offered.push_back(std::move(token));
  return offered;
}

awaitable<void> WebSocket::accept(std::string_view requested, Headers headers) {
  // A string_view parameter: GCC 12 cannot copy a string literal into a coroutine's std::string one.
  const std::string subprotocol(requested);
  if (shared_->state != State::connecting) throw std::logic_error("WebSocket::accept(): already accepted or closed");
  if (!subprotocol.empty()) {
    const auto offered = subprotocols();
    if (std::find(offered.begin(), offered.end(), subprotocol) == offered.end())
      throw std::invalid_argument("WebSocket::accept(): the client did not offer subprotocol '" + subprotocol + "'");
  }
  co_await shared_->channel->accept(subprotocol, headers, shared_->max_message_size);
  shared_->state = State::connected;
  shared_->open = true;
}

awaitable<WebSocketMessage> WebSocket::receive() {
  if (shared_->state == State::connecting) throw std::logic_error("WebSocket::receive(): accept() first");
  if (shared_->peer_close_code) throw WebSocketDisconnect(*shared_->peer_close_code, shared_->peer_close_reason);
  detail::ChannelMessage message = co_await shared_->channel->read();
  if (message.kind == detail::ChannelMessage::Kind::close) {
    shared_->peer_close_code = message.close_code;
    shared_->peer_close_reason = message.data;
    shared_->mark_closed();  // the channel answered the close frame
    throw WebSocketDisconnect(message.close_code, message.data);
  }
  co_return WebSocketMessage{message.kind == detail::ChannelMessage::Kind::text, std::move(message.data)};
}

awaitable<std::string> WebSocket::receive_text() {
  WebSocketMessage message = co_await receive();
  if (!message.text) {
    co_await close(close_code::unsupported_data, "expected a text message");
    throw WebSocketDisconnect(close_code::unsupported_data, "expected a text message");
  }
  co_return std::move(message.data);
}

awaitable<std::string> WebSocket::receive_bytes() {
  WebSocketMessage message = co_await receive();
  if (message.text) {
    co_await close(close_code::unsupported_data, "expected a binary message");
    throw WebSocketDisconnect(close_code::unsupported_data, "expected a binary message");
  }
  co_return std::move(message.data);
}

awaitable<json> WebSocket::receive_json() {
  WebSocketMessage message = co_await receive();
  auto parsed = detail::parse_bounded_json(message.data);
  if (!parsed.error.empty()) {
    const std::string reason = "expected a JSON message: " + parsed.error;
    co_await close(close_code::invalid_data, reason);
    throw WebSocketDisconnect(close_code::invalid_data, reason);
  }
  co_return std::move(parsed.value);
}

awaitable<std::optional<WebSocketMessage>> WebSocket::next() {
  if (shared_->peer_close_code) co_return std::nullopt;
  try {
    co_return co_await receive();
  } catch (const WebSocketDisconnect&) {
  }
  co_return std::nullopt;
}

awaitable<void> WebSocket::send(bool text, std::string data) {
  if (shared_->state == State::connecting) throw std::logic_error("WebSocket: accept() before sending");
  if (shared_->close_queued) throw WebSocketDisconnect(shared_->peer_close_code.value_or(close_code::normal));
  shared_->enqueue(Outgoing{text ? Outgoing::Kind::text : Outgoing::Kind::binary, std::move(data)});
  // The endpoint's own sends wait for the queue: a slow peer slows the endpoint.
  co_await shared_->wait_drained();
}

awaitable<void> WebSocket::send_text(std::string_view text) { return send(true, std::string(text)); }
awaitable<void> WebSocket::send_bytes(std::string_view data) { return send(false, std::string(data)); }
awaitable<void> WebSocket::send_json(const json& value) { return send(true, value.dump()); }

awaitable<void> WebSocket::close(int code, std::string_view reason) {
  if (shared_->state == State::connecting) {
    shared_->state = State::disconnected;
    shared_->channel->refuse(code);
    co_return;
  }
  shared_->enqueue(Outgoing{Outgoing::Kind::close, std::string(reason), code});
  co_await shared_->wait_drained();
}

WebSocket::State WebSocket::state() const { return shared_->state; }

std::optional<int> WebSocket::disconnect_code() const { return shared_->peer_close_code; }

}  // namespace starling

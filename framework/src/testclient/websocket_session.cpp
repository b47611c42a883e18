// TestClient::websocket_connect: a WebSocket to the app through in-process
// queues, run on the client's event loop as the test waits for the app.
#include <starling/testclient.hpp>

#include "request_access.hpp"
#include "testclient/client_impl.hpp"
#include "websockets/channel.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <deque>

namespace starling {
namespace {

using detail::ChannelMessage;
using Kind = ChannelMessage::Kind;
using namespace std::chrono_literals;

constexpr auto kWait = 10s;

// Messages both ways; the app's reads wait on a timer the client cancels.
class TestChannel final : public detail::WebSocketChannel {
 public:
  explicit TestChannel(asio::io_context& context) : executor_(context.get_executor()), wake_(context) {}

  awaitable<void> accept(const std::string& subprotocol, const Headers& headers,
                         std::size_t max_message_size) override {
    accepted_ = true;
    subprotocol_ = subprotocol;
    accept_headers_ = headers;
    max_message_size_ = max_message_size;
    co_return;
  }
  bool accepted() const override { return accepted_; }
  void refuse(int code) override { refused_ = code; }

  awaitable<ChannelMessage> read() override {
    while (to_app_.empty()) {
      wake_.expires_at(asio::steady_timer::time_point::max());
      co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    ChannelMessage message = std::move(to_app_.front());
    to_app_.pop_front();
    co_return message;
  }

  awaitable<bool> write(bool text, const std::string& data) override {
    if (app_closed_ || client_closed_) co_return false;
    to_client_.push_back(ChannelMessage{text ? Kind::text : Kind::binary, data});
    co_return true;
  }

  awaitable<void> close(int code, const std::string& reason) override {
    if (!app_closed_ && !client_closed_) to_client_.push_back(ChannelMessage{Kind::close, reason, code});
    app_closed_ = true;
    co_return;
  }

  asio::any_io_executor executor() override { return executor_; }

  // The client's side.
  void client_sends(ChannelMessage message) {
    if (client_closed_ || app_closed_) throw WebSocketDisconnect(close_code_.value_or(close_code::normal));
    if (message.kind != Kind::close && message.data.size() > max_message_size_) {
      // What the server does: the connection closes with 1009, both ways.
      message = ChannelMessage{Kind::close, "message too big", close_code::message_too_big};
      to_client_.push_back(message);
      app_closed_ = true;
    }
    if (message.kind == Kind::close) client_closed_ = true;
    to_app_.push_back(std::move(message));
    wake_.cancel();
  }
  bool has_message() const { return !to_client_.empty(); }
  ChannelMessage take() {
    ChannelMessage message = std::move(to_client_.front());
    to_client_.pop_front();
    if (message.kind == Kind::close) close_code_ = message.close_code;
    return message;
  }
  bool closed() const { return client_closed_ || close_code_.has_value(); }

  std::optional<int> refused_;
  std::string subprotocol_;
  Headers accept_headers_;

 private:
  asio::any_io_executor executor_;
  asio::steady_timer wake_;
  std::deque<ChannelMessage> to_app_;
  std::deque<ChannelMessage> to_client_;
  std::size_t max_message_size_ = 0;
  bool accepted_ = false;
  bool app_closed_ = false;
  bool client_closed_ = false;
  std::optional<int> close_code_;
};

TestResponse to_test_response(Response response) {
  TestResponse result;
  result.status_code = response.status_code;
  result.headers = std::move(response.headers);
  result.content = std::move(response.body);
  return result;
}

}  // namespace

// Shared with the app's coroutine, which may outlive the session object.
struct WebSocketTestSession::State {
  State(TestClient::Impl& client, RequestParts parts, std::shared_ptr<TestChannel> channel)
      : client(client), channel(std::move(channel)), request(std::move(parts)) {}

  TestClient::Impl& client;
  std::shared_ptr<TestChannel> channel;
  Request request;
  bool done = false;
  std::optional<Response> response;
};

WebSocketDenied::WebSocketDenied(TestResponse response)
    : std::runtime_error("WebSocket handshake answered with HTTP " + std::to_string(response.status_code) + ": " +
                         response.content.substr(0, 200)),
      response_(std::move(response)) {}

WebSocketTestSession TestClient::websocket_connect(std::string_view url, const RequestOptions& options,
                                                   const std::vector<std::string>& subprotocols) {
  auto target = testclient::Target::resolve(impl_->options.base_url, url);
  RequestParts parts =
      testclient::build_request("GET", target, options, impl_->jar.cookies, impl_->options.client_host);
  parts.headers.append("upgrade", "websocket");
  parts.headers.append("connection", "Upgrade");
  parts.headers.append("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==");
  parts.headers.append("sec-websocket-version", "13");
  std::string offered;
  for (const auto& protocol : subprotocols) offered += (offered.empty() ? "" : ", ") + protocol;
  if (!offered.empty()) parts.headers.append("sec-websocket-protocol", offered);
  auto channel = std::make_shared<TestChannel>(impl_->context);
  parts.websocket = channel;
  auto state = std::make_shared<WebSocketTestSession::State>(*impl_, std::move(parts), channel);
  asio::co_spawn(impl_->context, impl_->app.handle(state->request),
                 [state](const std::exception_ptr&, Response response) {
                   state->response.emplace(std::move(response));
                   state->done = true;
                 });
  if (!impl_->run_until([&] { return channel->accepted() || state->done; }, kWait))
    throw std::runtime_error("WebSocket endpoint neither accepted nor refused within 10 s");
  if (!channel->accepted()) {
    const auto unhandled = detail::RequestAccess::unhandled_exception(state->request);
    if (unhandled && impl_->options.raise_server_exceptions) std::rethrow_exception(unhandled);
    if (channel->refused_) throw WebSocketDisconnect(*channel->refused_);
    throw WebSocketDenied(to_test_response(std::move(*state->response)));
  }
  return WebSocketTestSession(std::move(state));
}

WebSocketTestSession::WebSocketTestSession(std::shared_ptr<State> state) : state_(std::move(state)) {}
WebSocketTestSession::WebSocketTestSession(WebSocketTestSession&&) noexcept = default;

WebSocketTestSession::~WebSocketTestSession() {
  if (!state_ || state_->done) return;
  try {
    if (!state_->channel->closed()) state_->channel->client_sends(ChannelMessage{Kind::close, "", close_code::normal});
  } catch (const WebSocketDisconnect&) {
  }
  // An endpoint still busy after this is left to the client's loop; the state
  // stays alive with its coroutine.
  state_->client.run_until([state = state_.get()] { return state->done; }, 5s);
}

void WebSocketTestSession::send_text(std::string_view text) {
  state_->channel->client_sends(ChannelMessage{Kind::text, std::string(text)});
}

void WebSocketTestSession::send_bytes(std::string_view data) {
  state_->channel->client_sends(ChannelMessage{Kind::binary, std::string(data)});
}

void WebSocketTestSession::send_json(const nlohmann::json& value) { send_text(value.dump()); }

WebSocketMessage WebSocketTestSession::receive() {
  TestChannel& channel = *state_->channel;
  if (!state_->client.run_until([&] { return channel.has_message() || state_->done; }, kWait))
    throw std::runtime_error("TestClient: the WebSocket endpoint sent nothing within 10 s");
  if (!channel.has_message()) throw WebSocketDisconnect(close_code::normal);
  ChannelMessage message = channel.take();
  if (message.kind == Kind::close) throw WebSocketDisconnect(message.close_code, message.data);
  return WebSocketMessage{message.kind == Kind::text, std::move(message.data)};
}

std::string WebSocketTestSession::receive_text() {
  WebSocketMessage message = receive();
  if (!message.text) throw std::runtime_error("TestClient: expected a text message, got a binary one");
  return std::move(message.data);
}

std::string WebSocketTestSession::receive_bytes() {
  WebSocketMessage message = receive();
  if (message.text) throw std::runtime_error("TestClient: expected a binary message, got a text one");
  return std::move(message.data);
}

nlohmann::json WebSocketTestSession::receive_json() { return nlohmann::json::parse(receive_text()); }

void WebSocketTestSession::close(int code, std::string_view reason) {
  if (!state_->channel->closed()) state_->channel->client_sends(ChannelMessage{Kind::close, std::string(reason), code});
  if (!state_->client.run_until([state = state_.get()] { return state->done; }, kWait))
    throw std::runtime_error("TestClient: the WebSocket endpoint did not end within 10 s of the close");
}

const std::string& WebSocketTestSession::subprotocol() const { return state_->channel->subprotocol_; }
const Headers& WebSocketTestSession::accept_headers() const { return state_->channel->accept_headers_; }

}  // namespace starling

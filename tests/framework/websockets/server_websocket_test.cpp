// WebSockets over real sockets, from real clients (Beast's, Python's
// websockets package, raw bytes): echo and subprotocols, the size limit,
// keep-alive pings and the idle timeout, 1011 on an endpoint's exception,
// 1001 on shutdown, refused handshakes, and the memory a long socket takes.
#include <starling/websockets.hpp>

#include "support/run_command.hpp"
#include "support/test_server.hpp"

#include <starling/application.hpp>
#include <starling/middleware/trusted_host.hpp>

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <sys/resource.h>

#include <thread>

using namespace starling;
using namespace std::chrono_literals;
using starling::test::RawClient;
using starling::test::run_command;
using starling::test::TestServer;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

awaitable<void> echo(WebSocket& ws) {
  const auto offered = ws.subprotocols();
  const std::string chosen = offered.empty() ? std::string{} : offered.front();
  co_await ws.accept(chosen);
  while (auto message = co_await ws.next()) {
    if (message->text) {
      co_await ws.send_text(message->data);
    } else {
      co_await ws.send_bytes(message->data);
    }
  }
}

awaitable<void> fail(WebSocket& ws) {
  co_await ws.accept();
  co_await ws.receive_text();
  throw std::runtime_error("endpoint failure");
}

// Silent for 2.5 s, then one message: only a client that answers pings gets it.
awaitable<void> slow(WebSocket& ws) {
  co_await ws.accept();
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(2500ms);
  co_await timer.async_wait(asio::use_awaitable);
  co_await ws.send_text("still here");
  co_await ws.receive_text();
}

App make_app() {
  return App({.routes = {WebSocketRoute("/echo", echo), WebSocketRoute("/small", echo).max_message_size(10),
                         WebSocketRoute("/fail", fail), WebSocketRoute("/slow", slow)}});
}

// A blocking Beast client, as any other client library would connect.
struct Client {
  asio::io_context context;
  websocket::stream<asio::ip::tcp::socket> ws{context};
  websocket::response_type handshake_response;

  Client(std::uint16_t port, const std::string& path, const std::string& protocols = "") {
    ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
    ws.set_option(websocket::stream_base::decorator([protocols](websocket::request_type& request) {
      if (!protocols.empty()) request.set(beast::http::field::sec_websocket_protocol, protocols);
    }));
    ws.handshake(handshake_response, "127.0.0.1", path);
  }
  std::string read() {
    beast::flat_buffer buffer;
    ws.read(buffer);
    return beast::buffers_to_string(buffer.data());
  }
  // The close code the server sent, once it closes.
  int close_code() {
    beast::flat_buffer buffer;
    beast::error_code ec;
    while (!ec) ws.read(buffer, ec);
    return ec == websocket::error::closed ? ws.reason().code : -1;
  }
};

std::string handshake(const std::string& path, const std::string& extra) {
  return "GET " + path + " HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + extra + "\r\n";
}

const std::string kKey = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
const std::string kVersion = "Sec-WebSocket-Version: 13\r\n";

}  // namespace

TEST(ServerWebSockets, EchoesTextAndBinaryWithASubprotocol) {
  App app = make_app();
  TestServer server(app);
  Client client(server.port(), "/echo", "chat.v1, chat.v2");
  EXPECT_EQ(client.handshake_response[beast::http::field::sec_websocket_protocol], "chat.v1");
  EXPECT_EQ(client.handshake_response[beast::http::field::server], "Starling");  // no library version
  client.ws.write(asio::buffer(std::string("hello")));
  EXPECT_EQ(client.read(), "hello");
  client.ws.binary(true);
  client.ws.write(asio::buffer(std::string("\0\1", 2)));
  EXPECT_EQ(client.read(), std::string("\0\1", 2));
  EXPECT_FALSE(client.ws.got_text());
  client.ws.close(websocket::close_code::normal);
}

TEST(ServerWebSockets, PythonsWebsocketsPackageTalksToIt) {
  App app = make_app();
  TestServer server(app);
  const std::string script =
      "import asyncio, websockets\n"
      "async def main():\n"
      "    async with websockets.connect('ws://127.0.0.1:" +
      std::to_string(server.port()) +
      "/echo') as ws:\n"
      "        await ws.send('from python')\n"
      "        print(await ws.recv())\n"
      "asyncio.run(main())\n";
  // Debian's interpreter, where python3-websockets is installed.
  EXPECT_EQ(run_command("/usr/bin/python3 -c \"" + script + "\" 2>&1"), "from python\n");
}

TEST(ServerWebSockets, AMessageOverTheLimitClosesWith1009) {
  App app = make_app();
  TestServer server(app);
  Client client(server.port(), "/small");
  client.ws.write(asio::buffer(std::string("0123456789+")));
  EXPECT_EQ(client.close_code(), 1009);
}

TEST(ServerWebSockets, AnEndpointExceptionClosesWith1011IsLoggedAndTheServerGoesOn) {
  App app = make_app();
  TestServer server(app);
  ::testing::internal::CaptureStderr();
  Client failing(server.port(), "/fail");
  failing.ws.write(asio::buffer(std::string("go")));
  EXPECT_EQ(failing.close_code(), 1011);
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(log.find("WebSocket endpoint for /fail failed: endpoint failure"), std::string::npos) << log;
  Client next(server.port(), "/echo");
  next.ws.write(asio::buffer(std::string("again")));
  EXPECT_EQ(next.read(), "again");
}

TEST(ServerWebSockets, APeerThatAnswersPingsOutlivesTheIdleTimeout) {
  App app = make_app();
  auto options = test::test_server_options();
  options.websocket_idle_timeout = 1000ms;  // a pong has 500 ms to come, even under ASan
  TestServer server(app, options);
  Client client(server.port(), "/slow");
  EXPECT_EQ(client.read(), "still here");  // 2.5 idle timeouts of silence, bridged by pings
}

TEST(ServerWebSockets, ASilentPeerIsDroppedAfterTheIdleTimeout) {
  App app = make_app();
  auto options = test::test_server_options();
  options.websocket_idle_timeout = 1000ms;
  TestServer server(app, options);
  RawClient raw = server.connect();
  const auto response = raw.request(handshake("/echo", kKey + kVersion), /*head_request=*/true);
  ASSERT_EQ(response.status, 101);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(raw.closed_within(4s));  // it never answers the ping
  EXPECT_GE(std::chrono::steady_clock::now() - started, 800ms);
  EXPECT_NE(raw.pending().find('\x89'), std::string::npos) << "no ping frame arrived first";
}

TEST(ServerWebSockets, ShutdownClosesOpenSocketsWith1001) {
  App app = make_app();
  TestServer server(app);
  Client client(server.port(), "/echo");
  client.ws.write(asio::buffer(std::string("before")));
  EXPECT_EQ(client.read(), "before");
  std::thread stopper([&] { server.server().stop(); });
  EXPECT_EQ(client.close_code(), 1001);
  stopper.join();
}

TEST(ServerWebSockets, BadHandshakesGetAnHttpAnswerNamingTheProblem) {
  App app = make_app();
  TestServer server(app);
  auto response = server.connect().request(handshake("/echo", kVersion));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(json::parse(response.body)["detail"], "Missing or invalid Sec-WebSocket-Key");
  response = server.connect().request(handshake("/echo", kKey + "Sec-WebSocket-Version: 8\r\n"));
  EXPECT_EQ(response.status, 426);
  EXPECT_EQ(response.header("sec-websocket-version"), "13");
  response = server.connect().request(
      "POST /echo HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: "
      "Upgrade\r\nContent-Length: 0\r\n" +
      kKey + kVersion + "\r\n");
  EXPECT_EQ(response.status, 400);
  response = server.connect().request(handshake("/nowhere", kKey + kVersion));
  EXPECT_EQ(response.status, 404);
  Client fine(server.port(), "/echo");  // and the server goes on
  fine.ws.write(asio::buffer(std::string("ok")));
  EXPECT_EQ(fine.read(), "ok");
}

TEST(ServerWebSockets, OriginAndHostRulesRefuseHandshakesOverTheWire) {
  App app({.routes = {WebSocketRoute("/echo", echo).allowed_origins({"https://notes.example"})},
           .middleware = {TrustedHostMiddleware({.allowed_hosts = {"notes.example", "127.0.0.1"}})}});
  TestServer server(app);
  const auto wire = [](const std::string& host, const std::string& origin) {
    return "GET /echo HTTP/1.1\r\nHost: " + host +
           "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nOrigin: " + origin + "\r\n" + kKey + kVersion + "\r\n";
  };
  auto response = server.connect().request(wire("notes.example", "https://evil.example"));
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(json::parse(response.body)["detail"], "WebSocket origin not allowed");
  response = server.connect().request(wire("evil.example", "https://notes.example"));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body, "Invalid host header");
  // The same handshake with an allowed origin, from a real client, is a WebSocket.
  asio::io_context context;
  websocket::stream<asio::ip::tcp::socket> ws{context};
  ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), server.port()});
  ws.set_option(websocket::stream_base::decorator(
      [](websocket::request_type& request) { request.set(beast::http::field::origin, "https://notes.example"); }));
  ws.handshake("notes.example", "/echo");
  ws.write(asio::buffer(std::string("allowed")));
  beast::flat_buffer buffer;
  ws.read(buffer);
  EXPECT_EQ(beast::buffers_to_string(buffer.data()), "allowed");
}

TEST(ServerWebSockets, ALongConversationTakesBoundedMemory) {
  App app = make_app();
  TestServer server(app);
  Client client(server.port(), "/echo");
  const std::string message(1024, 'm');
  rusage usage{};
  // Warm up first: buffers and frame caches reach their size.
  for (int i = 0; i < 1000; ++i) {
    client.ws.write(asio::buffer(message));
    client.read();
  }
  getrusage(RUSAGE_SELF, &usage);
  const long before = usage.ru_maxrss;
  for (int i = 0; i < 20000; ++i) {
    client.ws.write(asio::buffer(message));
    ASSERT_EQ(client.read().size(), message.size());
  }
  getrusage(RUSAGE_SELF, &usage);
#if !defined(__SANITIZE_ADDRESS__)
  // 20 MiB went each way; the peak grew by almost nothing.
  EXPECT_LT(usage.ru_maxrss - before, 4 * 1024) << "peak RSS grew by " << usage.ru_maxrss - before << " KiB";
#else
  (void)before;
#endif
  client.ws.close(websocket::close_code::normal);
}

// The whole server, over a loopback socket: the input arrives as a client's
// bytes, in two writes split anywhere. With the first byte odd, they follow a
// valid WebSocket handshake, so they reach the WebSocket frame reader (Beast's
// as the server configures it: a 1 KiB message limit, masking, control frames,
// close codes) and an echo endpoint; with it even, they are HTTP/1.1 requests
// as a session reads them (pipelining, bodies read by endpoints, 100-continue).
// The client then half-closes and reads until the server closes: a server that
// still holds the connection 5 s later hangs, and the target aborts.
#include "fuzz_input.hpp"

#include <starling/application.hpp>
#include <starling/logging.hpp>
#include <starling/responses.hpp>
#include <starling/server.hpp>
#include <starling/websockets.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace {

using namespace starling;

awaitable<Response> hello(Request&) { co_return PlainTextResponse("Hello, world!"); }

awaitable<Response> echo_body(Request& request) {
  const auto body = co_await request.body();
  co_return PlainTextResponse(std::string(body));
}

awaitable<Response> item(Request& request) {
  co_return JSONResponse({{"id", request.path_params().get<int>("id")}, {"q", request.query_params().get("q", "")}});
}

awaitable<void> echo_messages(WebSocket& ws) {
  co_await ws.accept();
  while (auto message = co_await ws.next()) {
    if (message->text)
      co_await ws.send_text(message->data);
    else
      co_await ws.send_bytes(message->data);
  }
}

// One server for the whole run, stopped at exit.
struct LoopbackServer {
  App app{{.routes = {Route("/", hello), Route("/echo", echo_body, {"POST"}), Route("/items/{id:int}", item),
                      WebSocketRoute("/ws", echo_messages).max_message_size(1024)}}};
  std::unique_ptr<Server> server;

  LoopbackServer() {
    log::set_level(log::Level::off);
    ServerOptions options;
    options.port = 0;
    options.threads = 2;
    options.access_log = false;
    options.header_timeout = std::chrono::seconds(1);
    options.body_timeout = std::chrono::seconds(1);
    options.keep_alive_timeout = std::chrono::seconds(1);
    options.websocket_idle_timeout = std::chrono::seconds(2);
    options.shutdown_timeout = std::chrono::seconds(1);
    server = std::make_unique<Server>(app, options);
    server->start();
  }
  ~LoopbackServer() { server->stop(); }
};

const std::string kHandshake =
    "GET /ws HTTP/1.1\r\nHost: fuzz\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

[[noreturn]] void fail(const char* what) {
  std::perror(what);
  std::abort();
}

int connect_to(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) fail("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    if (errno != EINTR) fail("connect");
    // Interrupted (libFuzzer's timer), the connect goes on: wait until it is done.
    pollfd entry{fd, POLLOUT, 0};
    while (::poll(&entry, 1, 5000) < 0)
      if (errno != EINTR) fail("poll");
    int error = 0;
    socklen_t size = sizeof error;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0 || error != 0) fail("connect");
  }
  // Both pieces go out at once: with Nagle, the second waits for the first's
  // delayed ACK (40 ms), which made the target 50 times slower.
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// False once the server has closed its side (it may refuse before reading all).
bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const auto sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;  // libFuzzer's timer signal
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

// Reads (and drops) what the server answers until it closes the connection.
void read_until_closed(int fd) {
  char buffer[16 * 1024];
  for (;;) {
    pollfd entry{fd, POLLIN, 0};
    const int ready = ::poll(&entry, 1, 5000);
    if (ready < 0 && errno == EINTR) continue;  // libFuzzer's timer signal
    if (ready == 0) {
      std::fputs("the server kept a half-closed connection open for 5 s\n", stderr);
      std::abort();
    }
    if (ready < 0) fail("poll");
    const auto received = ::recv(fd, buffer, sizeof buffer, 0);
    if (received < 0 && errno == EINTR) continue;
    if (received <= 0) return;  // closed, or reset
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static LoopbackServer loopback;
  starling::fuzz::Input input(data, size);
  const bool websocket = input.byte() & 1;
  const auto split = input.split();
  const auto bytes = input.rest();
  const int fd = connect_to(loopback.server->port());
  const bool open = (!websocket || send_all(fd, kHandshake)) && send_all(fd, bytes.substr(0, split)) &&
                    send_all(fd, bytes.substr(split));
  (void)open;  // refused part-way: the server closed, which read_until_closed sees
  ::shutdown(fd, SHUT_WR);
  read_until_closed(fd);
  ::close(fd);
  return 0;
}

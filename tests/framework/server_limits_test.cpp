// The server's refusals over real sockets: size limits, timeouts, the
// connection limit and malformed or unsupported requests (RFC 9112).
#include <starling/server.hpp>

#include "support/test_server.hpp"

#include <starling/application.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

using namespace starling;
using namespace std::chrono_literals;
using starling::test::RawClient;
using starling::test::RawResponse;
using starling::test::TestServer;

namespace {

using Clock = std::chrono::steady_clock;

awaitable<Response> hello(Request&) { co_return PlainTextResponse("Hello, world!"); }

awaitable<Response> echo(Request& request) {
  const auto body = co_await request.body();
  co_return PlainTextResponse(std::string(body));
}

awaitable<Response> header(Request& request) { co_return PlainTextResponse(request.headers().get("x-a", "")); }

App make_app(std::size_t max_body_size = kDefaultMaxBodySize) {
  return App({.routes = {Route("/", hello), Route("/echo", echo, {"POST"}), Route("/header", header)},
              .max_body_size = max_body_size});
}

ServerOptions short_timeouts() {
  auto options = test::test_server_options();
  options.header_timeout = 300ms;
  options.body_timeout = 300ms;
  options.keep_alive_timeout = 300ms;
  options.write_timeout = 300ms;
  return options;
}

const std::string kGood = "GET / HTTP/1.1\r\nHost: test\r\n\r\n";

// A refusal made by the server itself: JSON naming the problem, then the connection closes.
void expect_refusal(RawClient& client, const RawResponse& response, int status, const std::string& detail) {
  EXPECT_EQ(response.status, status);
  EXPECT_EQ(response.header("content-type"), "application/json");
  EXPECT_EQ(response.header("connection"), "close");
  EXPECT_EQ(json::parse(response.body), (json{{"detail", detail}})) << response.body;
  EXPECT_TRUE(client.closed_within(1s));
}

}  // namespace

TEST(ServerLimits, HeaderTooLargeIs431) {
  App app = make_app();
  auto options = test::test_server_options();
  options.max_header_size = 1024;
  TestServer server(app, options);
  RawClient client = server.connect();
  const auto response = client.request("GET / HTTP/1.1\r\nHost: test\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n");
  expect_refusal(client, response, 431, "Request header fields too large");
  EXPECT_EQ(server.connect().request(kGood).status, 200);
}

TEST(ServerLimits, TooManyHeaderFieldsIs431) {
  App app = make_app();
  auto options = test::test_server_options();
  options.max_header_fields = 10;
  TestServer server(app, options);
  std::string head = "GET / HTTP/1.1\r\nHost: test\r\n";
  for (int i = 0; i < 9; ++i) head += "X-" + std::to_string(i) + ": a\r\n";
  EXPECT_EQ(server.connect().request(head + "\r\n").status, 200);  // ten fields, Host included
  RawClient client = server.connect();
  const auto response = client.request(head + "X-Eleventh: a\r\n\r\n");
  expect_refusal(client, response, 431, "Request header fields too large");
}

TEST(ServerLimits, ContentLengthOverTheLimitIs413BeforeTheBodyIsRead) {
  App app = make_app(100);
  TestServer server(app);
  RawClient client = server.connect();
  // Only the head is sent: the answer must not wait for a body.
  const auto response = client.request("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 101\r\n\r\n");
  expect_refusal(client, response, 413, "Request body too large: limit is 100 bytes");
  RawClient fits = server.connect();
  EXPECT_EQ(
      fits.request("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'b')).status,
      200);
}

TEST(ServerLimits, ChunkedBodyOverTheLimitIs413) {
  App app = make_app(100);
  TestServer server(app);
  RawClient client = server.connect();
  const std::string chunk(60, 'c');
  const std::string head = "POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n";
  // The body arrives whole with its head: the refused request leaves nothing
  // unread, so the connection goes on.
  auto response = client.request(head + "3c\r\n" + chunk + "\r\n3c\r\n" + chunk + "\r\n0\r\n\r\n");
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(json::parse(response.body), (json{{"detail", "Request body too large: limit is 100 bytes"}}));
  EXPECT_EQ(client.request(kGood).status, 200);
  // The body is still arriving when the limit is passed: 413, and the
  // connection closes instead of reading the rest.
  RawClient slow = server.connect();
  slow.send(head + "3c\r\n" + chunk + "\r\n");
  std::this_thread::sleep_for(50ms);
  slow.send("3c\r\n" + chunk + "\r\n");
  expect_refusal(slow, slow.read_response(), 413, "Request body too large: limit is 100 bytes");
}

TEST(ServerLimits, AHeadThatStallsIsAnswered408) {
  App app = make_app();
  TestServer server(app, short_timeouts());
  RawClient client = server.connect();
  const auto started = Clock::now();
  client.send("GET / HTTP/1.1\r\nHost: te");
  const auto response = client.read_response();
  EXPECT_GE(Clock::now() - started, 250ms);
  expect_refusal(client, response, 408, "Request timeout: the request head did not arrive within 300 ms");
}

TEST(ServerLimits, SlowHeaderIsCutOffWhileOthersAreServed) {
  App app = make_app();
  TestServer server(app, short_timeouts());
  RawClient slow = server.connect();
  const auto started = Clock::now();
  bool closed = false;
  // One byte every 100ms: never a complete head within the 300ms header timeout.
  for (const char byte : std::string("GET / HTTP/1.1\r\nHost: slow\r\n")) {
    try {
      slow.send(std::string_view(&byte, 1));
    } catch (const std::runtime_error&) {
      closed = true;
      break;
    }
    if (slow.closed_within(100ms)) {
      closed = true;
      break;
    }
    if (Clock::now() - started > 150ms && Clock::now() - started < 250ms) {
      EXPECT_EQ(server.connect().request(kGood).status, 200);  // the slow one blocks nobody
    }
  }
  EXPECT_TRUE(closed);
  // Wide for a busy machine, yet below the >= 2.8 s (28 bytes x 100 ms) that a
  // connection never cut off would last.
  EXPECT_LT(Clock::now() - started, 2500ms);
}

TEST(ServerLimits, SilentConnectionIsClosedAfterTheHeaderTimeout) {
  App app = make_app();
  TestServer server(app, short_timeouts());
  const auto started = Clock::now();  // before connecting: the server's timer cannot start earlier
  RawClient silent = server.connect();
  EXPECT_EQ(server.connect().request(kGood).status, 200);
  EXPECT_TRUE(silent.closed_within(2500ms));  // 300 ms timeout, wide for a busy machine
  EXPECT_GE(Clock::now() - started, 250ms);
}

TEST(ServerLimits, IdleKeepAliveConnectionIsClosed) {
  App app = make_app();
  TestServer server(app, short_timeouts());
  RawClient client = server.connect();
  // Before sending: the server's idle timer starts once it has answered, so not earlier.
  const auto sent = Clock::now();
  EXPECT_EQ(client.request(kGood).status, 200);
  EXPECT_TRUE(client.closed_within(2500ms));  // 300 ms timeout, wide for a busy machine
  EXPECT_GE(Clock::now() - sent, 250ms);
}

TEST(ServerLimits, SlowBodyIsCutOffWith408) {
  App app = make_app();
  TestServer server(app, short_timeouts());
  RawClient client = server.connect();
  client.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\nabc");
  EXPECT_EQ(client.read_response().status, 408);
  EXPECT_TRUE(client.closed_within(2500ms));  // 300 ms timeout, wide for a busy machine
}

TEST(ServerLimits, ClientThatDoesNotReadIsCutOffAfterTheWriteTimeout) {
  const std::string chunk(1 << 20, 'x');
  std::atomic<bool> let_go{false};  // the server dropped the response: done with it, or gave up
  App app({.routes = {Route("/", hello), Route("/big", [&chunk, &let_go](Request&) -> awaitable<Response> {
                        // Freed with the last copy of the producer, when the server drops the response.
                        std::shared_ptr<int> left(new int(64), [&let_go](int* count) {
                          delete count;
                          let_go = true;
                        });
                        co_return StreamingResponse([&chunk, left]() -> awaitable<std::optional<std::string>> {
                          if ((*left)-- == 0) co_return std::nullopt;
                          co_return chunk;
                        });
                      })}});
  TestServer server(app, short_timeouts());
  RawClient stalled = server.connect();
  stalled.send("GET /big HTTP/1.1\r\nHost: test\r\n\r\n");
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(server.connect().request(kGood).status, 200);  // the stalled write blocks nobody
  // Reading before the write timeout fired would let the write go on: wait for
  // the server to give up (300 ms once the buffers are full; longer on a busy machine).
  const auto give_up = Clock::now() + 10s;
  while (!let_go && Clock::now() < give_up) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(let_go) << "the server still holds the response";
  // Whatever was buffered arrives, then the end: far less than the 64 MiB.
  const auto received = stalled.read_until_close();
  EXPECT_LT(received.size(), std::size_t{32} << 20);
}

TEST(ServerLimits, ClientVanishingMidRequestIsQuiet) {
  App app = make_app();
  TestServer server(app);
  ::testing::internal::CaptureStderr();
  {
    RawClient client = server.connect();
    client.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\nabc");
  }
  {
    RawClient client = server.connect();
    client.send("GET / HTTP/1.1\r\nHo");
  }
  EXPECT_EQ(server.connect().request(kGood).status, 200);
  const std::string output = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(output.find("ERROR"), std::string::npos) << output;
  EXPECT_EQ(output.find("WARNING"), std::string::npos) << output;
}

TEST(ServerLimits, ConnectionsOverTheLimitGet503) {
  App app = make_app();
  auto options = test::test_server_options();
  options.max_connections = 2;
  TestServer server(app, options);
  std::vector<RawClient> admitted;
  for (int i = 0; i < 2; ++i) {
    admitted.push_back(server.connect());
    EXPECT_EQ(admitted.back().request(kGood).status, 200);
  }
  {
    RawClient extra = server.connect();
    const auto response = extra.read_response();  // answered without even a request
    expect_refusal(extra, response, 503, "Service Unavailable");
  }
  admitted.pop_back();  // a slot frees up once the server sees the close
  // Poll: seeing the close can take a while on a busy machine; a slot never freed stays 503.
  const auto give_up = Clock::now() + 5s;
  int status = 0;
  while (status != 200 && Clock::now() < give_up) {
    std::this_thread::sleep_for(50ms);
    status = server.connect().request(kGood).status;
  }
  EXPECT_EQ(status, 200);
}

TEST(ServerLimits, OnlyThePathMustBeUtf8NotTheQuery) {
  App app = make_app();
  TestServer server(app);
  EXPECT_EQ(server.connect().request("GET /?q=%FF HTTP/1.1\r\nHost: t\r\n\r\n").status, 200);
  EXPECT_EQ(server.connect().request("GET http://t?q=/%FF HTTP/1.1\r\nHost: t\r\n\r\n").status, 200);
  EXPECT_EQ(server.connect().request("GET /%F4%8F%BF%BF HTTP/1.1\r\nHost: t\r\n\r\n").status, 404);  // U+10FFFF
  EXPECT_EQ(server.connect().request("GET /%F4%90%80%80 HTTP/1.1\r\nHost: t\r\n\r\n").status, 400);  // past it
}

TEST(ServerLimits, Http11WithoutHostIs400) {
  App app = make_app();
  TestServer server(app);
  RawClient client = server.connect();
  expect_refusal(client, client.request("GET / HTTP/1.1\r\n\r\n"), 400, "Missing Host header");
  RawClient twice = server.connect();
  expect_refusal(twice, twice.request("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400, "Multiple Host headers");
  // HTTP/1.0 has no Host requirement.
  EXPECT_EQ(server.connect().request("GET / HTTP/1.0\r\n\r\n").status, 200);
}

TEST(ServerLimits, UnsupportedHttpVersionIs505) {
  App app = make_app();
  TestServer server(app);
  for (const char* version : {"HTTP/2.0", "HTTP/1.2", "HTTP/3.0"}) {
    SCOPED_TRACE(version);
    RawClient client = server.connect();
    const auto response = client.request("GET / " + std::string(version) + "\r\nHost: test\r\n\r\n");
    expect_refusal(client, response, 505, "HTTP version not supported: " + std::string(version));
  }
  EXPECT_EQ(server.connect().request(kGood).status, 200);
}

TEST(ServerLimits, ObsoleteLineFoldingBecomesASpace) {
  // RFC 9112 §5.2 allows rejecting obs-fold or replacing it with SP; Beast replaces.
  App app = make_app();
  TestServer server(app);
  RawClient client = server.connect();
  const auto response = client.request("GET /header HTTP/1.1\r\nHost: t\r\nX-A: one\r\n  two\r\n\r\n");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "one two");
}

TEST(ServerLimits, UnknownExpectationIs417) {
  App app = make_app();
  TestServer server(app);
  RawClient client = server.connect();
  const auto response = client.request("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: tea\r\nContent-Length: 1\r\n\r\nx");
  expect_refusal(client, response, 417, "Unsupported expectation: tea");
}

struct Malformed {
  const char* name;
  const char* request;
  int status;
  const char* detail;
};

class ServerMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(ServerMalformed, IsRefusedAndTheServerKeepsServing) {
  App app = make_app();
  TestServer server(app);
  RawClient client = server.connect();
  const auto response = client.request(GetParam().request);
  expect_refusal(client, response, GetParam().status, GetParam().detail);
  EXPECT_EQ(server.connect().request(kGood).status, 200);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc9112, ServerMalformed,
    ::testing::Values(
        Malformed{"BadRequestLine", "GARBAGE\r\n\r\n", 400, "Invalid request method"},
        Malformed{"BadMethod", "G(T / HTTP/1.1\r\nHost: t\r\n\r\n", 400, "Invalid request method"},
        Malformed{"BadVersionText", "GET / HTTX/1.1\r\nHost: t\r\n\r\n", 400,
                  "Invalid HTTP version in the request line"},
        Malformed{"RelativeTarget", "GET index.html HTTP/1.1\r\nHost: t\r\n\r\n", 400, "Invalid request target"},
        // RFC 3629 forbids overlong forms (here '/' as two bytes) and surrogates.
        Malformed{"OverlongUtf8Path", "GET /a%C0%AFb HTTP/1.1\r\nHost: t\r\n\r\n", 400,
                  "Invalid request target: the path is not UTF-8"},
        Malformed{"SurrogateInPath", "GET /%ED%A0%80 HTTP/1.1\r\nHost: t\r\n\r\n", 400,
                  "Invalid request target: the path is not UTF-8"},
        Malformed{"TruncatedUtf8InAbsoluteForm", "GET http://t/caf%C3 HTTP/1.1\r\nHost: t\r\n\r\n", 400,
                  "Invalid request target: the path is not UTF-8"},
        Malformed{"HeaderWithoutColon", "GET / HTTP/1.1\r\nHost: t\r\nNoColonHere\r\n\r\n", 400,
                  "Invalid header field name"},
        Malformed{"SpaceBeforeColon", "GET / HTTP/1.1\r\nHost : t\r\n\r\n", 400, "Invalid header field name"},
        Malformed{"LengthThenChunked",
                  "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
                  "Both Content-Length and Transfer-Encoding"},
        Malformed{"ChunkedThenLength",
                  "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400,
                  "Both Content-Length and Transfer-Encoding"},
        Malformed{"GzipThenLength",
                  "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc", 400,
                  "Both Content-Length and Transfer-Encoding"},
        Malformed{"InvalidLength", "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n", 400,
                  "Invalid Content-Length"},
        Malformed{"NegativeLength", "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n", 400,
                  "Invalid Content-Length"},
        Malformed{"ConflictingLengths",
                  "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400,
                  "Conflicting Content-Length headers"},
        Malformed{"NotChunkedFinal", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\nabc", 400,
                  "Transfer-Encoding must end with chunked"},
        Malformed{"ChunkedNotLast", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400,
                  "Transfer-Encoding must end with chunked"},
        Malformed{"UnknownCoding",
                  "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501,
                  "Transfer coding not implemented: gzip"},
        Malformed{"ChunkedInHttp10", "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
                  "Transfer-Encoding is not allowed in HTTP/1.0"},
        Malformed{"BadChunkSize", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400,
                  "Invalid chunked body"}),
    [](const ::testing::TestParamInfo<Malformed>& info) { return std::string(info.param.name); });

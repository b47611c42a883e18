// The HTTP/1.x server over real sockets: keep-alive, pipelining, request and
// response framing, HEAD, Date, streaming, absolute-form targets, threads.
#include <starling/server.hpp>

#include "support/test_server.hpp"

#include <starling/application.hpp>

#include <gtest/gtest.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

using namespace starling;
using namespace std::chrono_literals;
using starling::test::RawClient;
using starling::test::TestServer;

namespace {

awaitable<Response> hello(Request&) { co_return PlainTextResponse("Hello, world!"); }

awaitable<Response> echo(Request& request) {
  const auto body = co_await request.body();
  co_return PlainTextResponse(std::string(body));
}

awaitable<Response> query(Request& request) { co_return PlainTextResponse(request.url().query); }

awaitable<Response> where(Request& request) { co_return PlainTextResponse(request.url().host + " " + request.path()); }

// Three chunks of unknown total length.
awaitable<Response> stream(Request&) {
  auto parts = std::make_shared<std::vector<std::string>>(std::vector<std::string>{"one,", "two,", "three"});
  auto next = std::make_shared<std::size_t>(0);
  co_return StreamingResponse([parts, next]() -> awaitable<std::optional<std::string>> {
    if (*next == parts->size()) co_return std::nullopt;
    co_return (*parts)[(*next)++];
  });
}

class KnownLengthStream final : public BodyStream {
 public:
  awaitable<std::optional<std::string>> next() override {
    if (sent_ == 2) co_return std::nullopt;
    ++sent_;
    co_return std::string(5, static_cast<char>('a' + sent_ - 1));
  }
  std::optional<std::uint64_t> length() const override { return 10; }

 private:
  int sent_ = 0;
};

awaitable<Response> known_length(Request&) { co_return StreamingResponse(std::make_shared<KnownLengthStream>()); }

App make_app() {
  return App({.routes = {Route("/", hello), Route("/echo", echo, {"POST"}), Route("/query", query),
                         Route("/items", where), Route("/stream", stream), Route("/known", known_length)}});
}

std::string get(std::string_view target, std::string_view extra = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra) + "\r\n";
}

}  // namespace

TEST(Server, KeepAliveServesSeveralRequestsOnOneConnection) {
  App app = make_app();
  TestServer server(app);
  RawClient client = server.connect();
  for (int i = 0; i < 3; ++i) {
    const auto response = client.request(get("/"));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "Hello, world!");
    EXPECT_EQ(response.header("content-length"), "13");
    EXPECT_EQ(response.header("connection"), "");
  }
}

TEST(Server, TheStatusLineAndAnHTTPExceptionSayTheSameReasonPhrase) {
  // RFC 9110's names (Beast's table, used before, still said "Unprocessable Entity").
  const auto fail = [](Request& request) -> awaitable<Response> {
    throw HTTPException(request.path_params().get<int>("status"));
  };
  App app({.routes = {Route("/fail/{status:int}", fail)}});
  TestServer server(app);
  RawClient client = server.connect();
  for (const auto& [status, reason] : std::vector<std::pair<int, std::string>>{
           {422, "Unprocessable Content"}, {413, "Content Too Large"}, {418, "I'm a teapot"}, {404, "Not Found"}}) {
    const auto response = client.request(get("/fail/" + std::to_string(status)));
    EXPECT_EQ(response.status, status);
    EXPECT_EQ(response.reason, reason);
    EXPECT_EQ(response.body, "{\"detail\":\"" + reason + "\"}");
  }
}

TEST(Server, ConnectionCloseIsHonoured) {
  App app = make_app();
  TestServer server(app);
  RawClient client = server.connect();
  const auto response = client.request(get("/", "Connection: close\r\n"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("connection"), "close");
  EXPECT_TRUE(client.closed_within(1s));
}

TEST(Server, Http10ClosesUnlessKeepAliveIsAsked) {
  App app = make_app();
  TestServer server(app);
  RawClient plain = server.connect();
  const auto first = plain.request("GET / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body, "Hello, world!");
  EXPECT_TRUE(plain.closed_within(1s));

  RawClient kept = server.connect();
  for (int i = 0; i < 2; ++i) {
    const auto response = kept.request("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.header("connection"), "keep-alive");
  }
}

TEST(Server, PipelinedRequestsAreAnsweredInOrder) {
  App app = make_app();
  TestServer server(app);
  RawClient client = server.connect();
  client.send(get("/query?n=1") + get("/query?n=2") + get("/query?n=3"));
  for (const char* expected : {"n=1", "n=2", "n=3"}) EXPECT_EQ(client.read_response().body, expected);
}

TEST(Server, ChunkedRequestBodyIsDecoded) {
  App app = make_app();
  TestServer server(app);
  RawClient client = server.connect();
  const auto response = client.request(
      "POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nHello\r\n8;ext=1\r\n, chunks\r\n0\r\n\r\n");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "Hello, chunks");
  EXPECT_EQ(client.request(get("/")).status, 200);  // the connection stays usable
}

TEST(Server, ContentLengthBodyIsRead) {
  App app = make_app();
  TestServer server(app);
  RawClient client = server.connect();
  const std::string body(100000, 'x');
  const auto response = client.request("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 100000\r\n\r\n" + body);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, body);
}

TEST(Server, RequestArrivingInPiecesIsAssembled) {
  App app = make_app();
  TestServer server(app);
  RawClient client = server.connect();
  for (const char* piece : {"POST /echo HT", "TP/1.1\r\nHost: test\r\nContent-Le", "ngth: 11\r\n\r\nhello", " world"}) {
    client.send(piece);
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(client.read_response().body, "hello world");
}

TEST(Server, ExpectContinueIsAnsweredBeforeTheBodyIsSent) {
  App app = make_app();
  TestServer server(app);
  RawClient client = server.connect();
  client.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  const auto interim = client.read_response();
  EXPECT_EQ(interim.status, 100);
  client.send("ping");
  const auto response = client.read_response();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "ping");
}

TEST(Server, ExpectContinueWithTooLargeBodyGets413WithoutContinue) {
  App app = make_app();
  TestServer server(app);
  RawClient client = server.connect();
  client.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 2000000\r\nExpect: 100-continue\r\n\r\n");
  const auto response = client.read_response();
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(json::parse(response.body)["detail"], "Request body too large: limit is 1048576 bytes");
  EXPECT_TRUE(client.closed_within(1s));
}

TEST(Server, HeadHasTheGetLengthAndNoBody) {
  App app = make_app();
  TestServer server(app);
  RawClient client = server.connect();
  const auto get_response = client.request(get("/"));
  // The HEAD answer is followed at once by the next response: had the server
  // sent a body, the second parse would start in the middle of it.
  client.send("HEAD / HTTP/1.1\r\nHost: test\r\n\r\n" + get("/query?after=head"));
  const auto head_response = client.read_response(/*head_request=*/true);
  EXPECT_EQ(head_response.status, 200);
  EXPECT_EQ(head_response.header("content-length"), get_response.header("content-length"));
  EXPECT_EQ(head_response.header("content-type"), get_response.header("content-type"));
  const auto next = client.read_response();
  EXPECT_EQ(next.status, 200);
  EXPECT_EQ(next.body, "after=head");
}

TEST(Server, EveryResponseHasADateHeader) {
  App app = make_app();
  TestServer server(app);
  const std::regex imf_fixdate(R"([A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT)");
  RawClient client = server.connect();
  const auto ok = client.request(get("/"));
  const auto not_found = client.request(get("/missing"));
  EXPECT_EQ(not_found.status, 404);
  EXPECT_FALSE(not_found.header("content-length").empty());
  RawClient bad = server.connect();
  const auto refused = bad.request("GET / HTTP/1.1\r\n\r\n");  // server-made 400
  for (const auto* response : {&ok, &not_found, &refused})
    EXPECT_TRUE(std::regex_match(response->header("date"), imf_fixdate)) << response->header("date");
}

TEST(Server, EveryResponseNamesTheServerUnlessTheAppDoes) {
  App app({.routes = {Route("/", [](Request&) -> awaitable<Response> { co_return PlainTextResponse("x"); }),
                      Route("/own", [](Request&) -> awaitable<Response> {
                        co_return PlainTextResponse("x", 200, Headers{{"server", "mine"}});
                      })}});
  TestServer server(app);
  RawClient client = server.connect();
  EXPECT_EQ(client.request(get("/")).header("server"), "Starling");
  EXPECT_EQ(client.request(get("/own")).header("server"), "mine");
  EXPECT_EQ(server.connect().request("GET / HTTP/1.1\r\n\r\n").header("server"), "Starling");  // server-made 400

  auto options = test::test_server_options();
  options.server_header = "";
  TestServer anonymous(app, options);
  const auto response = anonymous.connect().request(get("/"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("server"), "");
}

TEST(Server, AServerHeaderWithALineBreakIsRefused) {
  App app({.routes = {Route("/", [](Request&) -> awaitable<Response> { co_return PlainTextResponse("x"); })}});
  ServerOptions options;
  options.server_header = "Starling\r\nSet-Cookie: x=1";
  EXPECT_THROW(Server(app, options), std::invalid_argument);
}

TEST(Server, StreamOfUnknownLengthIsChunkedForHttp11) {
  App app = make_app();
  TestServer server(app);
  RawClient client = server.connect();
  const auto response = client.request(get("/stream"));
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(response.chunked);
  EXPECT_EQ(response.header("content-length"), "");
  EXPECT_EQ(response.chunks, (std::vector<std::string>{"one,", "two,", "three"}));
  EXPECT_EQ(client.request(get("/")).body, "Hello, world!");  // still keep-alive
}

TEST(Server, StreamOfUnknownLengthIsCloseDelimitedForHttp10) {
  App app = make_app();
  TestServer server(app);
  RawClient client = server.connect();
  const auto response = client.request("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_EQ(response.status, 200);
  EXPECT_FALSE(response.chunked);
  EXPECT_EQ(response.header("content-length"), "");
  EXPECT_EQ(response.header("transfer-encoding"), "");
  EXPECT_EQ(response.header("connection"), "close");
  EXPECT_EQ(response.body, "one,two,three");
}

TEST(Server, StreamOfKnownLengthHasContentLength) {
  App app = make_app();
  TestServer server(app);
  RawClient client = server.connect();
  const auto response = client.request(get("/known"));
  EXPECT_FALSE(response.chunked);
  EXPECT_EQ(response.header("content-length"), "10");
  EXPECT_EQ(response.body, "aaaaabbbbb");
  EXPECT_EQ(client.request(get("/")).status, 200);
}

TEST(Server, AbsoluteFormTargetIsRouted) {
  App app = make_app();
  TestServer server(app);
  RawClient client = server.connect();
  const auto response = client.request("GET http://example.com/items HTTP/1.1\r\nHost: test\r\n\r\n");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "example.com /items");
}

TEST(Server, ThreadsOptionRunsThatManyEventLoops) {
  std::mutex mutex;
  std::set<std::thread::id> seen;
  App app({.routes = {Route("/", [&](Request&) -> awaitable<Response> {
             std::lock_guard lock(mutex);
             seen.insert(std::this_thread::get_id());
             co_return PlainTextResponse("ok");
           })}});
  auto options = test::test_server_options();
  options.threads = 3;
  TestServer server(app, options);
  std::vector<RawClient> clients;
  for (int i = 0; i < 6; ++i) clients.push_back(server.connect());
  for (auto& client : clients) EXPECT_EQ(client.request(get("/")).status, 200);
  EXPECT_EQ(seen.size(), 3u);
}

TEST(Server, BlockingEndpointRunsOnTheWorkerPool) {
  App app({.routes = {Route("/sync", [](Request&) { return PlainTextResponse("from the pool"); })}});
  TestServer server(app);
  RawClient client = server.connect();
  for (int i = 0; i < 20; ++i) EXPECT_EQ(client.request(get("/sync")).body, "from the pool");
}

TEST(Server, StreamFailingBeforeItsFirstChunkIs500) {
  App app({.routes = {Route("/", [](Request&) -> awaitable<Response> {
             co_return StreamingResponse([]() -> awaitable<std::optional<std::string>> {
               throw std::runtime_error("producer broke");
               co_return std::nullopt;
             });
           })}});
  TestServer server(app);
  RawClient client = server.connect();
  const auto response = client.request(get("/"));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(json::parse(response.body)["detail"], "Internal Server Error");
  EXPECT_TRUE(client.closed_within(1s));
}

TEST(Server, StreamFailingMidwayCutsTheConnection) {
  App app({.routes = {Route("/", [](Request&) -> awaitable<Response> {
             auto calls = std::make_shared<int>(0);
             co_return StreamingResponse([calls]() -> awaitable<std::optional<std::string>> {
               if (++*calls == 2) throw std::runtime_error("producer broke");
               co_return "first";
             });
           })}});
  TestServer server(app);
  RawClient client = server.connect();
  client.send(get("/"));
  // The head and first chunk went out; the missing last chunk tells the client
  // the body is incomplete.
  const auto received = client.read_until_close();
  EXPECT_NE(received.find("5\r\nfirst\r\n"), std::string::npos) << received;
  EXPECT_EQ(received.find("0\r\n\r\n"), std::string::npos) << received;
}

TEST(Server, StreamingAwaitsEachWriteBeforePullingTheNextChunk) {
  constexpr int kChunks = 64;
  const std::string chunk(1 << 20, 'x');
  auto pulled = std::make_shared<std::atomic<int>>(0);
  App app({.routes = {Route("/big", [&chunk, pulled](Request&) -> awaitable<Response> {
             co_return StreamingResponse([&chunk, pulled]() -> awaitable<std::optional<std::string>> {
               if (pulled->load() == kChunks) co_return std::nullopt;
               ++*pulled;
               co_return chunk;
             });
           })}});
  TestServer server(app);
  RawClient client = server.connect(10s);
  client.send(get("/big"));
  std::this_thread::sleep_for(300ms);  // the client reads nothing meanwhile
  EXPECT_LT(pulled->load(), kChunks / 2) << "the producer ran ahead of a client that does not read";
  const auto response = client.read_response();
  EXPECT_EQ(response.body.size(), chunk.size() * kChunks);
  EXPECT_EQ(pulled->load(), kChunks);
}

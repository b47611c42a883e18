// The request body in-process: stream() in pieces, body() and stream() together,
// the size limit per app, per route and per request (413 naming it).
#include <starling/request.hpp>

#include <starling/application.hpp>
#include <starling/testclient.hpp>

#include <gtest/gtest.h>

using namespace starling;

namespace {

// Answers how many pieces stream() gave, the largest, and the bytes in all.
awaitable<Response> count_pieces(Request& request) {
  std::size_t pieces = 0;
  std::size_t largest = 0;
  std::size_t bytes = 0;
  char last = 0;
  while (auto piece = co_await request.stream()) {
    ++pieces;
    largest = std::max(largest, piece->size());
    bytes += piece->size();
    if (!piece->empty()) last = piece->back();
  }
  co_return JSONResponse({{"pieces", pieces}, {"largest", largest}, {"bytes", bytes}, {"last", std::string(1, last)}});
}

awaitable<Response> body_then_stream(Request& request) {
  const std::string whole(co_await request.body());
  std::string streamed;
  while (auto piece = co_await request.stream()) streamed += *piece;
  const std::string again(co_await request.body());
  co_return JSONResponse({{"same", whole == streamed && whole == again}, {"size", whole.size()}});
}

awaitable<Response> stream_then_body(Request& request) {
  while (auto piece = co_await request.stream()) {  // named: GCC 12 miscompiles a bare co_await condition
  }
  co_await request.body();  // the pieces were not kept: a programming error
  co_return PlainTextResponse("unreachable");
}

awaitable<Response> echo_size(Request& request) {
  const auto body = co_await request.body();
  co_return JSONResponse({{"size", body.size()}});
}

awaitable<Response> raise_then_read(Request& request) {
  request.set_max_body_size(10 * 1024 * 1024);
  const auto body = co_await request.body();
  co_return JSONResponse({{"size", body.size()}});
}

awaitable<Response> ignore_body(Request&) { co_return PlainTextResponse("ignored"); }

App make_app(std::size_t app_limit = kDefaultMaxBodySize) {
  return App({.routes = {Route("/pieces", count_pieces, {"POST"}).max_body_size(8 * 1024 * 1024),
                         Route("/body-then-stream", body_then_stream, {"POST"}),
                         Route("/stream-then-body", stream_then_body, {"POST"}), Route("/size", echo_size, {"POST"}),
                         Route("/large", echo_size, {"POST"}).max_body_size(4 * 1024 * 1024),
                         Route("/small", echo_size, {"POST"}).max_body_size(10),
                         Route("/raise", raise_then_read, {"POST"}), Route("/ignore", ignore_body, {"POST"})},
              .max_body_size = app_limit});
}

std::string sized(std::size_t bytes) {
  std::string text(bytes, 'a');
  if (!text.empty()) text.back() = 'z';
  return text;
}

}  // namespace

TEST(RequestBody, StreamYieldsTheBodyInPiecesOfAtMost64KiB) {
  App app = make_app();
  TestClient client(app);
  const auto seen = client.post("/pieces", {.data = sized(3 * 1024 * 1024 + 5)}).json();
  EXPECT_EQ(seen["bytes"], 3 * 1024 * 1024 + 5);
  EXPECT_EQ(seen["largest"], 64 * 1024);
  EXPECT_EQ(seen["pieces"], 49);  // 48 full pieces and 5 bytes
  EXPECT_EQ(seen["last"], "z");
}

TEST(RequestBody, AnEmptyBodyStreamsNothing) {
  App app = make_app();
  TestClient client(app);
  EXPECT_EQ(client.post("/pieces").json()["pieces"], 0);
}

TEST(RequestBody, StreamAfterBodyYieldsTheKeptBody) {
  App app = make_app();
  TestClient client(app);
  const auto seen = client.post("/body-then-stream", {.data = sized(200 * 1024)}).json();
  EXPECT_EQ(seen["same"], true);
  EXPECT_EQ(seen["size"], 200 * 1024);
}

TEST(RequestBody, BodyAfterStreamIsAnErrorNamingIt) {
  App app = make_app();
  TestClient client(app);
  try {
    client.post("/stream-then-body", {.data = "abc"});
    FAIL() << "body() after stream() must throw";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("already consumed by stream()"), std::string::npos) << e.what();
  }
}

TEST(RequestBody, TheAppLimitGives413NamingIt) {
  App app = make_app(/*app_limit=*/1000);
  TestClient client(app);
  EXPECT_EQ(client.post("/size", {.data = sized(1000)}).json()["size"], 1000);
  const auto refused = client.post("/size", {.data = sized(1001)});
  EXPECT_EQ(refused.status_code, 413);
  EXPECT_EQ(refused.json(), (json{{"detail", "Request body too large: limit is 1000 bytes"}}));
}

TEST(RequestBody, TheDefaultLimitIsOneMebibyte) {
  App app = make_app();
  TestClient client(app);
  EXPECT_EQ(client.post("/size", {.data = sized(kDefaultMaxBodySize)}).status_code, 200);
  EXPECT_EQ(client.post("/size", {.data = sized(kDefaultMaxBodySize + 1)}).status_code, 413);
}

TEST(RequestBody, ARouteRaisesOrLowersTheLimit) {
  App app = make_app();
  TestClient client(app);
  EXPECT_EQ(client.post("/large", {.data = sized(3 * 1024 * 1024)}).json()["size"], 3 * 1024 * 1024);
  const auto over = client.post("/large", {.data = sized(4 * 1024 * 1024 + 1)});
  EXPECT_EQ(over.json(), (json{{"detail", "Request body too large: limit is 4194304 bytes"}}));
  EXPECT_EQ(client.post("/small", {.data = sized(11)}).status_code, 413);
}

TEST(RequestBody, AnEndpointMayRaiseItsLimitBeforeReading) {
  App app = make_app();
  TestClient client(app);
  EXPECT_EQ(client.post("/raise", {.data = sized(2 * 1024 * 1024)}).json()["size"], 2 * 1024 * 1024);
}

TEST(RequestBody, TheLimitAppliesToStreamToo) {
  App app = make_app();
  TestClient client(app);
  const auto refused = client.post("/pieces", {.data = sized(8 * 1024 * 1024 + 1)});
  EXPECT_EQ(refused.status_code, 413);
}

TEST(RequestBody, ABodyNobodyReadsIsNeverRefused) {
  App app = make_app(/*app_limit=*/10);
  TestClient client(app);
  EXPECT_EQ(client.post("/ignore", {.data = sized(1000)}).text(), "ignored");
}

TEST(RequestBody, JsonAndFormReadThroughTheLimit) {
  App app({.routes = {Route("/json",
                            [](Request& request) -> awaitable<Response> {
                              auto data = co_await request.json();
                              co_return JSONResponse(data);
                            },
                            {"POST"})},
           .max_body_size = 20});
  TestClient client(app);
  EXPECT_EQ(client.post("/json", {.json = json{{"a", 1}}}).status_code, 200);
  EXPECT_EQ(client.post("/json", {.json = json{{"a", std::string(30, 'x')}}}).status_code, 413);
}

TEST(RequestBody, IsNeverDisconnectedInProcess) {
  Request request;
  EXPECT_FALSE(request.is_disconnected());
}

// WebSockets in-process through the TestClient: accept and subprotocols,
// text/bytes/JSON both ways, iterating until the peer leaves, close codes
// (refusal, 1003, 1007, 1009, 1011, the app's own), origins, middleware,
// and senders that reach a socket from another connection.
#include <starling/websockets.hpp>

#include <starling/application.hpp>
#include <starling/middleware/cors.hpp>
#include <starling/middleware/trusted_host.hpp>
#include <starling/testclient.hpp>

#include <gtest/gtest.h>

#include <vector>

using namespace starling;

namespace {

awaitable<void> echo(WebSocket& ws) {
  co_await ws.accept();
  while (auto message = co_await ws.next()) {
    if (message->text) {
      co_await ws.send_text("echo: " + message->data);
    } else {
      co_await ws.send_bytes(message->data);
    }
  }
}

awaitable<void> greet(WebSocket& ws) {
  co_await ws.accept();
  const auto name = ws.path_params()["name"];
  const auto greeting = ws.query_params().get("greeting", "hello");
  // Named: GCC 12 cannot keep a braced list's array in a co_await operand.
  const json hello = {{"greeting", greeting + ", " + name}};
  co_await ws.send_json(hello);
  const json answer = co_await ws.receive_json();
  const json reply = {{"got", answer}};
  co_await ws.send_json(reply);
  co_await ws.close(4000, "done talking");
}

awaitable<void> with_protocol(WebSocket& ws) {
  const auto offered = ws.subprotocols();
  const std::string chosen = offered.empty() ? std::string{} : offered.back();
  const Headers extra{{"x-room", "lobby"}};  // named: see greet()
  co_await ws.accept(chosen, extra);
  co_await ws.send_json(offered);
}

awaitable<void> bad_protocol(WebSocket& ws) { co_await ws.accept("not-offered"); }

awaitable<void> refuse(WebSocket& ws) { co_await ws.close(4403); }

awaitable<void> ignore(WebSocket&) { co_return; }

awaitable<void> fail_after_accept(WebSocket& ws) {
  co_await ws.accept();
  co_await ws.receive_text();
  throw std::runtime_error("the endpoint broke");
}

awaitable<void> wants_text(WebSocket& ws) {
  co_await ws.accept();
  co_await ws.receive_text();
}

awaitable<void> wants_json(WebSocket& ws) {
  co_await ws.accept();
  co_await ws.receive_json();
}

// Counts messages until the peer leaves, and keeps its close code.
std::vector<int> disconnect_codes;
awaitable<void> count(WebSocket& ws) {
  co_await ws.accept();
  int messages = 0;
  while (auto message = co_await ws.next()) ++messages;
  disconnect_codes.push_back(ws.disconnect_code().value_or(-1));
  disconnect_codes.push_back(messages);
}

// A chat room: each socket's sender is kept; what one says reaches all.
std::vector<WebSocketSender> room;
std::vector<WebSocketSender> ever_joined;  // never pruned: senders outlive their sockets
awaitable<void> chat(WebSocket& ws) {
  co_await ws.accept();
  room.push_back(ws.sender());
  ever_joined.push_back(ws.sender());
  while (auto message = co_await ws.next())
    for (const auto& member : room) member.send_text(message->data);
  std::erase(room, ws.sender());
}

awaitable<Response> announce(Request& request) {
  const std::string text(co_await request.body());
  int reached = 0;
  for (const auto& member : room) reached += member.send_text(text) ? 1 : 0;
  co_return JSONResponse({{"reached", reached}});
}

Routes routes() {
  return {WebSocketRoute("/echo", echo, "echo"),
          WebSocketRoute("/greet/{name}", greet),
          WebSocketRoute("/protocol", with_protocol),
          WebSocketRoute("/bad-protocol", bad_protocol),
          WebSocketRoute("/refuse", refuse),
          WebSocketRoute("/ignore", ignore),
          WebSocketRoute("/fail", fail_after_accept),
          WebSocketRoute("/text", wants_text),
          WebSocketRoute("/json", wants_json),
          WebSocketRoute("/count", count),
          WebSocketRoute("/small", echo).max_message_size(10),
          WebSocketRoute("/origin", echo).allowed_origins({"https://notes.example"}),
          WebSocketRoute("/chat", chat),
          Route("/announce", announce, {"POST"}),
          Route("/http", [](Request&) -> awaitable<Response> { co_return PlainTextResponse("plain"); })};
}

int close_code_of(WebSocketTestSession& ws) {
  try {
    ws.receive();
  } catch (const WebSocketDisconnect& e) {
    return e.code();
  }
  return 0;
}

}  // namespace

TEST(WebSockets, EchoesTextAndBytes) {
  App app({.routes = routes()});
  TestClient client(app);
  auto ws = client.websocket_connect("/echo");
  ws.send_text("hi");
  EXPECT_EQ(ws.receive_text(), "echo: hi");
  ws.send_bytes(std::string("\0\x01\xff", 3));
  EXPECT_EQ(ws.receive_bytes(), std::string("\0\x01\xff", 3));
  ws.close();
}

TEST(WebSockets, PathAndQueryParametersAndJson) {
  App app({.routes = routes()});
  TestClient client(app);
  auto ws = client.websocket_connect("/greet/ann?greeting=hey");
  EXPECT_EQ(ws.receive_json(), (json{{"greeting", "hey, ann"}}));
  ws.send_json({{"n", 1}});
  EXPECT_EQ(ws.receive_json(), (json{{"got", {{"n", 1}}}}));
  try {
    ws.receive();
    FAIL() << "the app closed";
  } catch (const WebSocketDisconnect& e) {
    EXPECT_EQ(e.code(), 4000);
    EXPECT_EQ(e.reason(), "done talking");
  }
}

TEST(WebSockets, SubprotocolsAndAcceptHeaders) {
  App app({.routes = routes()});
  TestClient client(app);
  auto ws = client.websocket_connect("/protocol", {}, {"v1.notes", "v2.notes"});
  EXPECT_EQ(ws.subprotocol(), "v2.notes");
  EXPECT_EQ(ws.accept_headers().get("x-room", ""), "lobby");
  EXPECT_EQ(ws.receive_json(), (json{"v1.notes", "v2.notes"}));
}

TEST(WebSockets, AcceptingASubprotocolNotOfferedIsAnError) {
  App app({.routes = routes()});
  TestClient client(app);
  EXPECT_THROW(client.websocket_connect("/bad-protocol", {}, {"v1"}), std::invalid_argument);
}

TEST(WebSockets, ClosingBeforeAcceptRefusesTheHandshake) {
  App app({.routes = routes()});
  TestClient client(app);
  try {
    client.websocket_connect("/refuse");
    FAIL();
  } catch (const WebSocketDisconnect& e) {
    EXPECT_EQ(e.code(), 4403);
  }
  try {
    client.websocket_connect("/ignore");
    FAIL();
  } catch (const WebSocketDenied& e) {
    EXPECT_EQ(e.response().status_code, 403);
  }
}

TEST(WebSockets, NoRouteIs404AndHttpNeverReachesAWebSocketRoute) {
  App app({.routes = routes()});
  TestClient client(app);
  try {
    client.websocket_connect("/nowhere");
    FAIL();
  } catch (const WebSocketDenied& e) {
    EXPECT_EQ(e.response().status_code, 404);
  }
  EXPECT_THROW(client.websocket_connect("/http"), WebSocketDenied);  // an HTTP route takes no handshake
  EXPECT_EQ(client.get("/echo").status_code, 404);
}

TEST(WebSockets, IteratesUntilThePeerLeavesAndKnowsItsCode) {
  App app({.routes = routes()});
  TestClient client(app);
  disconnect_codes.clear();
  {
    auto ws = client.websocket_connect("/count");
    for (int i = 0; i < 5; ++i) ws.send_text("m");
    ws.close(4001);
  }
  EXPECT_EQ(disconnect_codes, (std::vector<int>{4001, 5}));
  {
    auto ws = client.websocket_connect("/count");
    ws.send_text("one");
  }  // left without a word: the session closes with 1000
  EXPECT_EQ(disconnect_codes, (std::vector<int>{4001, 5, 1000, 1}));
}

TEST(WebSockets, AnEndpointThatThrowsAfterAcceptClosesWith1011) {
  App app({.routes = routes()});
  TestClient client(app);
  auto ws = client.websocket_connect("/fail");
  ws.send_text("go");
  EXPECT_EQ(close_code_of(ws), close_code::internal_error);
  auto again = client.websocket_connect("/echo");  // the app goes on
  again.send_text("x");
  EXPECT_EQ(again.receive_text(), "echo: x");
}

TEST(WebSockets, TheWrongKindOfMessageClosesWith1003Or1007) {
  App app({.routes = routes()});
  TestClient client(app);
  auto text = client.websocket_connect("/text");
  text.send_bytes("raw");
  EXPECT_EQ(close_code_of(text), close_code::unsupported_data);
  auto json_ws = client.websocket_connect("/json");
  json_ws.send_text("{not json");
  EXPECT_EQ(close_code_of(json_ws), close_code::invalid_data);
  // Nesting is bounded as for request bodies: a copy or a dump of it would overflow the stack.
  auto deep = client.websocket_connect("/json");
  deep.send_text(std::string(600, '[') + std::string(600, ']'));
  try {
    deep.receive();
    FAIL() << "a 600-deep message was accepted";
  } catch (const WebSocketDisconnect& e) {
    EXPECT_EQ(e.code(), close_code::invalid_data);
    EXPECT_NE(e.reason().find("nested deeper than 512 levels"), std::string::npos) << e.reason();
  }
}

TEST(WebSockets, AMessageOverTheLimitClosesWith1009) {
  App app({.routes = routes()});
  TestClient client(app);
  auto ws = client.websocket_connect("/small");
  ws.send_text("0123456789");
  EXPECT_EQ(ws.receive_text(), "echo: 0123456789");
  ws.send_text("0123456789+");
  EXPECT_EQ(close_code_of(ws), close_code::message_too_big);
}

TEST(WebSockets, AnOriginOutsideTheListIs403) {
  App app({.routes = routes()});
  TestClient client(app);
  for (const Headers& headers : {Headers{}, Headers{{"origin", "https://evil.example"}}}) {
    try {
      client.websocket_connect("/origin", {.headers = headers});
      FAIL();
    } catch (const WebSocketDenied& e) {
      EXPECT_EQ(e.response().status_code, 403);
      EXPECT_EQ(e.response().json(), (json{{"detail", "WebSocket origin not allowed"}}));
    }
  }
  auto ws = client.websocket_connect("/origin", {.headers = {{"origin", "https://notes.example"}}});
  ws.send_text("ok");
  EXPECT_EQ(ws.receive_text(), "echo: ok");
}

TEST(WebSockets, MiddlewareSeesTheHandshake) {
  App app({.routes = routes(), .middleware = {TrustedHostMiddleware({.allowed_hosts = {"notes.example"}})}});
  TestClient client(app, {.base_url = "http://notes.example"});
  auto ws = client.websocket_connect("/echo");
  ws.send_text("in");
  EXPECT_EQ(ws.receive_text(), "echo: in");
  try {
    client.websocket_connect("http://evil.example/echo");
    FAIL();
  } catch (const WebSocketDenied& e) {
    EXPECT_EQ(e.response().status_code, 400);
  }
}

TEST(WebSockets, CorsOriginRulesApplyToHandshakes) {
  App app({.routes = routes(), .middleware = {CORSMiddleware({.allow_origins = {"https://notes.example"}})}});
  TestClient client(app);
  try {
    client.websocket_connect("/echo", {.headers = {{"origin", "https://evil.example"}}});
    FAIL();
  } catch (const WebSocketDenied& e) {
    EXPECT_EQ(e.response().status_code, 403);
  }
  auto ws = client.websocket_connect("/echo", {.headers = {{"origin", "https://notes.example"}}});
  ws.send_text("ok");
  EXPECT_EQ(ws.receive_text(), "echo: ok");
  auto no_origin = client.websocket_connect("/echo");  // not a browser: CORS has nothing to say
  no_origin.send_text("ok");
  EXPECT_EQ(no_origin.receive_text(), "echo: ok");
}

TEST(WebSockets, SendersReachSocketsFromOtherConnections) {
  App app({.routes = routes()});
  TestClient client(app);
  room.clear();
  ever_joined.clear();
  auto ann = client.websocket_connect("/chat");
  auto bob = client.websocket_connect("/chat");
  bob.send_text("hello room");
  EXPECT_EQ(ann.receive_text(), "hello room");
  EXPECT_EQ(bob.receive_text(), "hello room");
  EXPECT_EQ(client.post("/announce", {.data = "from HTTP"}).json()["reached"], 2);
  EXPECT_EQ(ann.receive_text(), "from HTTP");
  EXPECT_EQ(bob.receive_text(), "from HTTP");
  ann.close();
  EXPECT_EQ(client.post("/announce", {.data = "later"}).json()["reached"], 1);
  EXPECT_EQ(bob.receive_text(), "later");
  ASSERT_EQ(ever_joined.size(), 2u);
  EXPECT_FALSE(ever_joined[0].is_open());  // ann's: its socket is gone
  EXPECT_FALSE(ever_joined[0].send_text("into the void"));
  EXPECT_TRUE(ever_joined[1].is_open());
}

TEST(WebSockets, UrlPathForNamesWebSocketRoutes) {
  App app({.routes = routes()});
  EXPECT_EQ(app.url_path_for("echo"), "/echo");
}

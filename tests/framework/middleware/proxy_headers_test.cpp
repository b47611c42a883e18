// ProxyHeadersMiddleware, HTTPSRedirectMiddleware and the URLs a request
// builds: forwarded headers believed only from trusted proxies, Forwarded and
// X-Forwarded-*, chains of proxies, spoofing from outside, and over a socket.
#include <starling/middleware/https_redirect.hpp>
#include <starling/middleware/proxy_headers.hpp>

#include <starling/application.hpp>
#include <starling/testclient.hpp>

#include "support/test_server.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace starling {
namespace {

awaitable<Response> show(Request& request) {
  co_return JSONResponse({{"client", request.client().host},
                          {"port", request.client().port},
                          {"scheme", request.url().scheme},
                          {"url", request.url().to_string()},
                          {"note_url", request.url_for("note", {{"id", 3}})}});
}

awaitable<Response> note(Request&) { co_return PlainTextResponse("note"); }

std::unique_ptr<App> make_app(std::vector<Middleware> middleware) {
  return std::make_unique<App>(AppOptions{.routes = {Route("/show", show), Route("/notes/{id:int}", note, {}, "note")},
                                          .middleware = middleware});
}

RequestOptions headers(std::initializer_list<std::pair<const char*, const char*>> fields) {
  RequestOptions options;
  for (const auto& [name, value] : fields) options.headers.append(name, value);
  return options;
}

}  // namespace

TEST(ProxyHeaders, FromATrustedProxyTheForwardedClientSchemeAndHostAreUsed) {
  auto app = make_app({ProxyHeadersMiddleware({.trusted_hosts = {"127.0.0.1"}, .x_forwarded_host = true})});
  TestClient client(*app, {.client_host = "127.0.0.1"});
  const auto body = client
                        .get("/show", headers({{"x-forwarded-for", "203.0.113.7"},
                                               {"x-forwarded-proto", "https"},
                                               {"x-forwarded-host", "notes.example.org"}}))
                        .json();
  EXPECT_EQ(body["client"], "203.0.113.7");
  EXPECT_EQ(body["scheme"], "https");
  EXPECT_EQ(body["url"], "https://notes.example.org/show");
  EXPECT_EQ(body["note_url"], "https://notes.example.org/notes/3");
}

TEST(ProxyHeaders, XForwardedHostAndForwardedAreBelievedOnlyWhenAsked) {
  // Most proxies pass these two through from the client unless told to set them.
  auto app = make_app({ProxyHeadersMiddleware({.trusted_hosts = {"127.0.0.1"}})});
  TestClient client(*app, {.client_host = "127.0.0.1"});
  const auto body = client
                        .get("/show", headers({{"x-forwarded-host", "evil.example"},
                                               {"forwarded", "for=1.2.3.4;proto=https;host=evil.example"}}))
                        .json();
  EXPECT_EQ(body["client"], "127.0.0.1");
  EXPECT_EQ(body["url"], "http://testserver/show");
}

TEST(ProxyHeaders, TheSchemeIsTheOneOfTheChosenHop) {
  // The edge proxy (10.0.0.2) got HTTPS from the client; it spoke plain HTTP to the inner one.
  auto app = make_app({ProxyHeadersMiddleware({.trusted_hosts = {"10.0.0.0/8"}})});
  TestClient client(*app, {.client_host = "10.0.0.3"});
  const auto body =
      client.get("/show", headers({{"x-forwarded-for", "203.0.113.7, 10.0.0.2"}, {"x-forwarded-proto", "https, http"}}))
          .json();
  EXPECT_EQ(body["client"], "203.0.113.7");
  EXPECT_EQ(body["scheme"], "https");
}

TEST(ProxyHeaders, FromAnyoneElseTheyAreIgnored) {
  auto app = make_app(
      {ProxyHeadersMiddleware({.trusted_hosts = {"10.0.0.0/8"}, .x_forwarded_host = true, .forwarded = true})});
  TestClient client(*app, {.client_host = "198.51.100.9"});
  const auto body = client
                        .get("/show", headers({{"x-forwarded-for", "127.0.0.1"},
                                               {"x-forwarded-proto", "https"},
                                               {"x-forwarded-host", "evil.example"},
                                               {"forwarded", "for=10.1.1.1;proto=https;host=evil.example"}}))
                        .json();
  EXPECT_EQ(body["client"], "198.51.100.9");
  EXPECT_EQ(body["scheme"], "http");
  EXPECT_EQ(body["note_url"], "http://testserver/notes/3");
}

TEST(ProxyHeaders, InAChainTheClientIsTheNearestUntrustedHop) {
  // The client forged the first entry; the edge proxy (10.0.0.2) appended the
  // real address, the inner proxy (10.0.0.3) the edge's.
  auto app = make_app({ProxyHeadersMiddleware({.trusted_hosts = {"10.0.0.0/8"}})});
  TestClient client(*app, {.client_host = "10.0.0.3"});
  const auto body =
      client.get("/show", headers({{"x-forwarded-for", "1.2.3.4, 203.0.113.7"}, {"x-forwarded-for", "10.0.0.2"}}))
          .json();
  EXPECT_EQ(body["client"], "203.0.113.7");
}

TEST(ProxyHeaders, ForwardedIsReadWithPortsAndIPv6) {
  auto app = make_app({ProxyHeadersMiddleware({.trusted_hosts = {"127.0.0.1", "fd00::/8"}, .forwarded = true})});
  TestClient client(*app, {.client_host = "127.0.0.1"});
  const auto body =
      client
          .get("/show", headers({{"forwarded", R"(for="[2001:db8::1]:4711";proto=https;host="notes.example:8443", )"
                                               R"(for="[fd00::5]";proto=http)"}}))
          .json();
  EXPECT_EQ(body["client"], "2001:db8::1");
  EXPECT_EQ(body["port"], 4711);
  EXPECT_EQ(body["url"], "https://notes.example:8443/show");
}

TEST(ProxyHeaders, GarbageInTheHeadersChangesNothingItCannotTrust) {
  auto app = make_app({ProxyHeadersMiddleware({.trusted_hosts = {"*"}, .x_forwarded_host = true})});
  TestClient client(*app, {.client_host = "127.0.0.1"});
  const auto body = client
                        .get("/show", headers({{"x-forwarded-for", "not-an-address"},
                                               {"x-forwarded-proto", "gopher"},
                                               {"x-forwarded-host", "evil.example/@x"}}))
                        .json();
  EXPECT_EQ(body["client"], "127.0.0.1");
  EXPECT_EQ(body["scheme"], "http");
  EXPECT_EQ(body["url"], "http://testserver/show");
}

TEST(ProxyHeaders, ATrustedHostThatIsNoAddressIsRefused) {
  try {
    ProxyHeadersMiddleware middleware({.trusted_hosts = {"127.0.0.1", "proxy.internal"}});
    FAIL() << "accepted a host name";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'proxy.internal'"), std::string::npos) << e.what();
  }
}

TEST(ProxyHeaders, OverARealSocketOnlyATrustedPeerIsBelieved) {
  const std::string request =
      "GET /show HTTP/1.1\r\nHost: internal:8000\r\nX-Forwarded-For: 203.0.113.7\r\n"
      "X-Forwarded-Proto: https\r\nX-Forwarded-Host: notes.example.org\r\n\r\n";
  auto trusting = make_app({ProxyHeadersMiddleware({.trusted_hosts = {"127.0.0.1"}, .x_forwarded_host = true})});
  test::TestServer trusted_server(*trusting);
  const auto believed = json::parse(trusted_server.connect().request(request).body);
  EXPECT_EQ(believed["client"], "203.0.113.7");
  EXPECT_EQ(believed["note_url"], "https://notes.example.org/notes/3");

  auto wary = make_app({ProxyHeadersMiddleware({.trusted_hosts = {"10.0.0.1"}, .x_forwarded_host = true})});
  test::TestServer wary_server(*wary);
  const auto ignored = json::parse(wary_server.connect().request(request).body);
  EXPECT_EQ(ignored["client"], "127.0.0.1");
  EXPECT_EQ(ignored["note_url"], "http://internal:8000/notes/3");
}

TEST(HTTPSRedirect, PlainHttpIsRedirectedToTheSameUrlOverHttps) {
  auto app = make_app({HTTPSRedirectMiddleware()});
  TestClient client(*app, {.base_url = "http://notes.example"});
  const auto response = client.get("/show?a=1", {.follow_redirects = false});
  EXPECT_EQ(response.status_code, 307);
  EXPECT_EQ(response.headers.get("location", ""), "https://notes.example/show?a=1");
  TestClient on_port(*app, {.base_url = "http://notes.example:8080"});
  EXPECT_EQ(on_port.get("/show", {.follow_redirects = false}).headers.get("location", ""),
            "https://notes.example:8080/show");
  TestClient secure(*app, {.base_url = "https://notes.example"});
  EXPECT_EQ(secure.get("/show").status_code, 200);
}

TEST(HTTPSRedirect, BehindATlsProxyTheForwardedSchemeCounts) {
  auto app = make_app({ProxyHeadersMiddleware({.trusted_hosts = {"127.0.0.1"}}), HTTPSRedirectMiddleware()});
  TestClient client(*app, {.client_host = "127.0.0.1"});
  EXPECT_EQ(client.get("/show", headers({{"x-forwarded-proto", "https"}})).status_code, 200);
  EXPECT_EQ(client.get("/show", {.follow_redirects = false}).status_code, 307);
}

TEST(HTTPSRedirect, AnHttpsRequestLineOverPlainHttpIsStillRedirected) {
  auto app = make_app({HTTPSRedirectMiddleware()});
  test::TestServer server(*app);
  const auto response = server.connect().request("GET https://notes.example/show HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(response.status, 307);
  EXPECT_EQ(response.header("location"), "https://notes.example/show");
}

TEST(HTTPSRedirect, WebSocketHandshakesGoToWss) {
  auto app = std::make_unique<App>(AppOptions{
      .routes = {WebSocketRoute("/ws", [](WebSocket& websocket) -> awaitable<void> { co_await websocket.accept(); })},
      .middleware = {HTTPSRedirectMiddleware()}});
  TestClient client(*app);
  try {
    client.websocket_connect("/ws");
    FAIL() << "the handshake went through";
  } catch (const WebSocketDenied& denied) {
    EXPECT_EQ(denied.response().status_code, 307);
    EXPECT_EQ(denied.response().headers.get("location", ""), "wss://testserver/ws");
  }
}

TEST(Redirects, RedirectResponseEncodesWhatAUrlCannotCarry) {
  EXPECT_EQ(RedirectResponse("/search?q=green tea&lang=fr").headers.get("location", ""),
            "/search?q=green%20tea&lang=fr");
  EXPECT_EQ(RedirectResponse("/caf\xc3\xa9").headers.get("location", ""), "/caf%C3%A9");
  EXPECT_EQ(RedirectResponse("https://x.example/a%20b#top").headers.get("location", ""), "https://x.example/a%20b#top");
  EXPECT_EQ(RedirectResponse("/a\r\nSet-Cookie: x=1").headers.get("location", ""), "/a%0D%0ASet-Cookie:%20x=1");
}

TEST(UrlFor, OutsideAnAppItSaysWhatIsMissing) {
  Request request;
  EXPECT_THROW(request.url_for("note", {{"id", 1}}), std::logic_error);
}

}  // namespace starling

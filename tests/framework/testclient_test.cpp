// TestClient: cookies kept across requests, every method helper, redirects (303, 307, unfollowed, loops),
// absolute URLs setting the host, and json() of a non-JSON body.
#include <starling/testclient.hpp>

#include <starling/application.hpp>

#include <gtest/gtest.h>

using namespace starling;

namespace {

awaitable<Response> login(Request&) {
  Response response = PlainTextResponse("logged in");
  response.set_cookie("session", "s1");
  co_return response;
}

awaitable<Response> logout(Request&) {
  Response response = PlainTextResponse("bye");
  response.delete_cookie("session");
  co_return response;
}

awaitable<Response> whoami(Request& request) {
  const auto& cookies = request.cookies();
  const auto it = cookies.find("session");
  co_return PlainTextResponse(it == cookies.end() ? "anonymous" : it->second);
}

awaitable<Response> echo_method(Request& request) {
  const std::string body(co_await request.body());
  co_return JSONResponse({{"method", request.method()}, {"body", body}});
}

App make_app() {
  return App(
      {.routes = {
           Route("/login", login),
           Route("/logout", logout),
           Route("/whoami", whoami),
           Route("/see-other", [](Request&) -> awaitable<Response> { co_return RedirectResponse("/echo", 303); },
                 {"POST"}),
           Route("/temporary", [](Request&) -> awaitable<Response> { co_return RedirectResponse("/echo"); }, {"POST"}),
           Route("/loop", [](Request&) -> awaitable<Response> { co_return RedirectResponse("/loop"); }),
           Route("/echo", echo_method, {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}),
       }});
}

}  // namespace

TEST(TestClient, CookiesPersistAcrossRequestsAndCanBeDeleted) {
  App app = make_app();
  TestClient client(app);
  EXPECT_EQ(client.get("/whoami").text(), "anonymous");
  client.get("/login");
  EXPECT_EQ(client.cookies().at("session"), "s1");
  EXPECT_EQ(client.get("/whoami").text(), "s1");
  client.get("/logout");
  EXPECT_EQ(client.get("/whoami").text(), "anonymous");
  EXPECT_EQ(client.get("/whoami", {.cookies = {{"session", "explicit"}}}).text(), "explicit");
}

TEST(TestClient, EveryMethodHelperSendsItsMethod) {
  App app = make_app();
  TestClient client(app);
  EXPECT_EQ(client.get("/echo").json()["method"], "GET");
  EXPECT_EQ(client.post("/echo").json()["method"], "POST");
  EXPECT_EQ(client.put("/echo").json()["method"], "PUT");
  EXPECT_EQ(client.patch("/echo").json()["method"], "PATCH");
  EXPECT_EQ(client.delete_("/echo").json()["method"], "DELETE");
  EXPECT_EQ(client.options("/echo").json()["method"], "OPTIONS");
  EXPECT_EQ(client.head("/echo").status_code, 200);
}

TEST(TestClient, SeeOtherBecomesGetTemporaryKeepsMethodAndBody) {
  App app = make_app();
  TestClient client(app);
  auto other = client.post("/see-other", {.data = "payload"});
  EXPECT_EQ(other.json(), json({{"method", "GET"}, {"body", ""}}));
  EXPECT_EQ(other.url, "http://testserver/echo");
  auto temporary = client.post("/temporary", {.data = "payload"});
  EXPECT_EQ(temporary.json(), json({{"method", "POST"}, {"body", "payload"}}));
}

TEST(TestClient, RedirectsCanBeLeftUnfollowed) {
  App app = make_app();
  TestClient client(app, {.follow_redirects = false});
  auto response = client.post("/see-other");
  EXPECT_EQ(response.status_code, 303);
  EXPECT_EQ(response.headers.get("location", ""), "/echo");
}

TEST(TestClient, RedirectLoopsStop) {
  App app = make_app();
  TestClient client(app);
  EXPECT_EQ(client.get("/loop").status_code, 307);
}

TEST(TestClient, AbsoluteUrlsSetTheHost) {
  App app({.routes = {Route("/host", [](Request& request) -> awaitable<Response> {
             co_return PlainTextResponse(request.url().host);
           })}});
  TestClient client(app);
  EXPECT_EQ(client.get("http://example.org/host").text(), "example.org");
  EXPECT_EQ(client.get("/host").text(), "testserver");
}

TEST(TestClient, JsonOfANonJsonBodyNamesIt) {
  App app = make_app();
  TestClient client(app);
  try {
    client.get("/whoami").json();
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("anonymous"), std::string::npos);
  }
}

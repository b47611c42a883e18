// AuthenticationMiddleware and requires_scopes: the backend's user and scopes
// on request.user()/auth(), anonymous requests, refused credentials, 403/401
// and redirects, custom user types, and WebSocket handshakes.
#include <starling/middleware/authentication.hpp>

#include <starling/application.hpp>
#include <starling/testclient.hpp>

#include <gtest/gtest.h>

#include <memory>

namespace starling {
namespace {

class Member : public SimpleUser {
 public:
  Member(std::string name, int id) : SimpleUser(std::move(name)), id(id) {}
  int id;
};

awaitable<std::optional<AuthResult>> by_token(Request& request) {
  const auto header = request.headers().get("authorization");
  if (!header) co_return std::nullopt;
  if (*header == "Bearer ann-token") co_return AuthResult{{{"authenticated"}}, std::make_shared<Member>("ann", 7)};
  if (*header == "Bearer root-token")
    co_return AuthResult{{{"authenticated", "admin"}}, std::make_shared<SimpleUser>("root")};
  throw AuthenticationError("Invalid bearer token");
}

awaitable<Response> whoami(Request& request) {
  const auto* member = dynamic_cast<const Member*>(&request.user());
  co_return JSONResponse({{"name", request.user().display_name()},
                          {"authenticated", request.user().is_authenticated()},
                          {"scopes", request.auth().scopes},
                          {"member_id", member ? json(member->id) : json(nullptr)}});
}

awaitable<Response> secret(Request& request) { co_return PlainTextResponse("for " + request.user().identity()); }
awaitable<Response> login_page(Request&) { co_return PlainTextResponse("please log in"); }

awaitable<void> ws_whoami(WebSocket& websocket) {
  co_await websocket.accept();
  co_await websocket.send_text(websocket.request().user().display_name());
}

std::unique_ptr<App> make_app(AuthenticationOptions options = {.backend = by_token}) {
  return std::make_unique<App>(
      AppOptions{.routes = {Route("/whoami", whoami), Route("/secret", requires_scopes({"authenticated"}, secret)),
                            Route("/admin", requires_scopes({"authenticated", "admin"}, secret, {.status_code = 401})),
                            Route("/dashboard", requires_scopes({"authenticated"}, secret, {.redirect = "login"})),
                            Route("/login", login_page, {}, "login"),
                            WebSocketRoute("/ws", requires_scopes({"authenticated"}, ws_whoami))},
                 .middleware = {AuthenticationMiddleware(std::move(options))}});
}

RequestOptions bearer(const std::string& token) {
  RequestOptions options;
  options.headers.set("authorization", "Bearer " + token);
  return options;
}

}  // namespace

TEST(Authentication, TheBackendsUserAndScopesReachTheEndpoint) {
  auto app = make_app();
  TestClient client(*app);
  EXPECT_EQ(client.get("/whoami", bearer("ann-token")).json(),
            json({{"name", "ann"}, {"authenticated", true}, {"scopes", {"authenticated"}}, {"member_id", 7}}));
}

TEST(Authentication, WithoutCredentialsTheUserIsAnonymous) {
  auto app = make_app();
  TestClient client(*app);
  EXPECT_EQ(client.get("/whoami").json(),
            json({{"name", ""}, {"authenticated", false}, {"scopes", json::array()}, {"member_id", nullptr}}));
}

TEST(Authentication, WrongCredentialsAreRefusedByOnError) {
  auto app = make_app();
  TestClient client(*app);
  const auto response = client.get("/whoami", bearer("forged"));
  EXPECT_EQ(response.status_code, 400);
  EXPECT_EQ(response.json(), json({{"detail", "Invalid bearer token"}}));

  auto custom = make_app({.backend = by_token, .on_error = [](Request&, const AuthenticationError& e) -> Response {
                            return JSONResponse({{"error", e.what()}}, 401, Headers{{"www-authenticate", "Bearer"}});
                          }});
  TestClient custom_client(*custom);
  const auto refused = custom_client.get("/whoami", bearer("forged"));
  EXPECT_EQ(refused.status_code, 401);
  EXPECT_EQ(refused.headers.get("www-authenticate", ""), "Bearer");
}

TEST(Authentication, RequiresScopesAnswers403WithoutThem) {
  auto app = make_app();
  TestClient client(*app);
  EXPECT_EQ(client.get("/secret").status_code, 403);
  EXPECT_EQ(client.get("/secret", bearer("ann-token")).text(), "for ann");
  EXPECT_EQ(client.get("/admin", bearer("root-token")).text(), "for root");
}

TEST(Authentication, RequiresScopesWith401AsksForCredentials) {
  auto app = make_app();
  TestClient client(*app);
  for (const auto& options : {RequestOptions{}, bearer("ann-token")}) {  // none, or without the admin scope
    const auto response = client.get("/admin", options);
    EXPECT_EQ(response.status_code, 401);
    EXPECT_EQ(response.headers.get("www-authenticate", ""), "Bearer");
    EXPECT_EQ(response.json(), json({{"detail", "Unauthorized"}}));
  }
}

TEST(Authentication, RequiresScopesCanRedirectToANamedRoute) {
  auto app = make_app();
  TestClient client(*app);
  const auto response = client.get("/dashboard?tab=1", {.follow_redirects = false});
  EXPECT_EQ(response.status_code, 303);
  EXPECT_EQ(response.headers.get("location", ""), "/login?next=http%3A%2F%2Ftestserver%2Fdashboard%3Ftab%3D1");
  EXPECT_EQ(client.get("/dashboard").text(), "please log in");
}

TEST(Authentication, AWebSocketHandshakeWithoutTheScopeIsRefused) {
  auto app = make_app();
  TestClient client(*app);
  try {
    client.websocket_connect("/ws");
    FAIL() << "the handshake went through";
  } catch (const WebSocketDenied& denied) {
    EXPECT_EQ(denied.response().status_code, 403);
  }
  auto websocket = client.websocket_connect("/ws", bearer("ann-token"));
  EXPECT_EQ(websocket.receive_text(), "ann");
}

TEST(Authentication, WithoutTheMiddlewareUserAndAuthSayWhatIsMissing) {
  App app({.routes = {Route("/whoami", whoami)}});
  TestClient client(app);
  try {
    client.get("/whoami");
    FAIL() << "expected a logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("AuthenticationMiddleware"), std::string::npos) << e.what();
  }
  EXPECT_THROW(AuthenticationMiddleware({}), std::invalid_argument);
}

}  // namespace starling

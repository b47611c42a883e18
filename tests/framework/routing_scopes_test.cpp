// Middleware per route and per Mount (with the Mount's own exception
// handlers), Host routing with parameters, and convertors an app registers.
#include <starling/application.hpp>
#include <starling/testclient.hpp>

#include <gtest/gtest.h>

using namespace starling;

namespace {

awaitable<Response> hello(Request&) { co_return PlainTextResponse("hello"); }
awaitable<Response> show_params(Request& request) {
  json params = json::object();
  for (const auto& param : request.path_params().items()) params[param.name] = param.value;
  co_return JSONResponse(params);
}

// A middleware that stamps the responses it sees, to show where it ran.
Middleware stamp(std::string name) {
  return [name](Handler next) -> Handler {
    return [name, next](Request& request) -> awaitable<Response> {
      Response response = co_await next(request);
      response.headers.append("x-through", name);
      co_return response;
    };
  };
}

struct Refused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

awaitable<Response> refuses(Request&) { throw Refused("not here"); }
awaitable<Response> missing(Request&) { throw HTTPException(404, "no such thing"); }

std::vector<std::string> through(const TestResponse& response) {
  std::vector<std::string> names;
  for (const auto value : response.headers.get_list("x-through")) names.emplace_back(value);
  return names;
}

}  // namespace

TEST(RouteMiddleware, RunsForItsRouteOnlyInsideTheAppsMiddleware) {
  App app({.routes = {Route("/special", hello).middleware({stamp("route outer"), stamp("route inner")}),
                      Route("/plain", hello)},
           .middleware = {stamp("app")}});
  TestClient client(app);
  EXPECT_EQ(through(client.get("/special")), (std::vector<std::string>{"route inner", "route outer", "app"}));
  EXPECT_EQ(through(client.get("/plain")), (std::vector<std::string>{"app"}));
  EXPECT_EQ(through(client.get("/nowhere")), (std::vector<std::string>{"app"}));  // only after a match
}

TEST(MountMiddleware, WrapsEveryRouteUnderTheMountAndNestsInOrder) {
  App app({.routes = {Mount("/api", {Route("/a", hello), Mount("/v2", {Route("/b", hello)}).middleware({stamp("v2")}),
                                     WebSocketRoute("/ws",
                                                    [](WebSocket& websocket) -> awaitable<void> {
                                                      co_await websocket.accept();
                                                      co_await websocket.send_text("hi");
                                                    })})
                          .middleware({stamp("api")}),
                      Route("/outside", hello)}});
  TestClient client(app);
  EXPECT_EQ(through(client.get("/api/a")), (std::vector<std::string>{"api"}));
  EXPECT_EQ(through(client.get("/api/v2/b")), (std::vector<std::string>{"v2", "api"}));
  EXPECT_TRUE(through(client.get("/outside")).empty());
  auto websocket = client.websocket_connect("/api/ws");  // a handshake passes the mount's middleware too
  EXPECT_EQ(websocket.receive_text(), "hi");
}

TEST(MountExceptionHandlers, HandleInsideTheMountBeforeTheAppsHandlers) {
  App app({.routes = {Mount("/api", {Route("/refuses", refuses), Route("/missing", missing)})
                          .exception_handlers({exception_handler<Refused>([](Request&, const Refused& e) {
                                                 return JSONResponse({{"api_error", e.what()}}, 409);
                                               }),
                                               {404,
                                                [](Request&, const HTTPException& e) -> Response {
                                                  return JSONResponse({{"api_missing", e.detail()}}, 404);
                                                }}}),
                      Route("/refuses", refuses), Route("/missing", missing)},
           .exception_handlers = {exception_handler<Refused>(
               [](Request&, const Refused&) { return PlainTextResponse("app handler", 400); })}});
  TestClient client(app);
  EXPECT_EQ(client.get("/api/refuses").json(), json({{"api_error", "not here"}}));
  EXPECT_EQ(client.get("/api/missing").json(), json({{"api_missing", "no such thing"}}));
  EXPECT_EQ(client.get("/refuses").text(), "app handler");  // outside the mount: the app's
  EXPECT_EQ(client.get("/missing").json(), json({{"detail", "no such thing"}}));
}

TEST(MountExceptionHandlers, WhatTheMountLeavesGoesToTheApp) {
  App app({.routes = {Mount("/api", {Route("/refuses", refuses)})
                          .exception_handlers({{404,
                                                [](Request&, const HTTPException&) -> Response {
                                                  return PlainTextResponse("mount 404", 404);
                                                }}})},
           .exception_handlers = {exception_handler<Refused>(
               [](Request&, const Refused&) { return PlainTextResponse("app handler", 400); })}});
  TestClient client(app);
  EXPECT_EQ(client.get("/api/refuses").text(), "app handler");
}

TEST(MountExceptionHandlers, A500HandlerOnAMountIsRefused) {
  try {
    Mount("/api", {Route("/", hello)}).exception_handlers({{500, [](Request&, const HTTPException&) -> Response {
                                                              return PlainTextResponse("x", 500);
                                                            }}});
    FAIL() << "a 500 handler was accepted on a mount";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("belongs to the App"), std::string::npos) << e.what();
  }
}

TEST(HostRouting, RoutesAnswerOnlyOnTheirHost) {
  App app({.routes = {Host("api.example.org", {Route("/status", hello, {}, "status")}, "api"),
                      Route("/status", show_params, {}, "status")}});
  TestClient api(app, {.base_url = "http://API.Example.org:8000"});  // any case, any port
  EXPECT_EQ(api.get("/status").text(), "hello");
  TestClient other(app, {.base_url = "http://www.example.org"});
  EXPECT_EQ(other.get("/status").json(), json::object());
}

TEST(HostRouting, HostParametersReachTheEndpointAndUrlFor) {
  App app({.routes = {Host(
               "{tenant}.notes.example",
               {Route("/notes/{id:int}", show_params, {}, "note"),
                Route("/link",
                      [](Request& request) -> awaitable<Response> {
                        co_return PlainTextResponse(request.url_for("tenant:note", {{"tenant", "beta"}, {"id", 9}}));
                      })},
               "tenant")}});
  TestClient client(app, {.base_url = "http://acme.notes.example"});
  EXPECT_EQ(client.get("/notes/4").json(), json({{"tenant", "acme"}, {"id", "4"}}));
  EXPECT_EQ(client.get("/link").text(), "http://beta.notes.example/notes/9");
  EXPECT_EQ(app.url_path_for("tenant:note", {{"tenant", "beta"}, {"id", 9}}), "/notes/9");
  EXPECT_THROW(app.url_path_for("tenant:note", {{"id", 9}}), NoMatchFound);  // the host's parameter is needed
  TestClient elsewhere(app, {.base_url = "http://notes.example"});
  EXPECT_EQ(elsewhere.get("/notes/4").status_code, 404);
}

TEST(HostRouting, AMethodAllowedOnlyOnAnotherHostIsNotIn405) {
  App app({.routes = {Host("admin.example", {Route("/things", hello, {"DELETE"})}), Route("/things", hello, {"GET"})}});
  TestClient client(app, {.base_url = "http://www.example"});
  const auto response = client.request("DELETE", "/things");
  EXPECT_EQ(response.status_code, 405);
  EXPECT_EQ(response.headers.get("allow", ""), "GET, HEAD");
}

TEST(HostRouting, LabelsTakeConvertorsAndOnlyDnsCharacters) {
  App app({.routes = {Host("{shard:int}.db.example", {Route("/", show_params, {}, "home")}, "shard")}});
  TestClient seven(app, {.base_url = "http://7.db.example"});
  EXPECT_EQ(seven.get("/").json(), json({{"shard", "7"}}));
  TestClient word(app, {.base_url = "http://seven.db.example"});
  EXPECT_EQ(word.get("/").status_code, 404);
  EXPECT_EQ(app.url_host_for("shard:home", {{"shard", 3}}), "3.db.example");

  // Any other character would let a request's host move the URLs built from it.
  App tenants({.routes = {Host("{tenant}.example", {Route("/", show_params, {}, "home")}, "t")}});
  TestClient odd(tenants, {.base_url = "http://ev_il.example"});
  EXPECT_EQ(odd.get("/").status_code, 404);
  EXPECT_EQ(tenants.url_host_for("t:home", {{"tenant", "acme"}}), "acme.example");
  EXPECT_THROW(tenants.url_host_for("t:home", {{"tenant", "evil#"}}), NoMatchFound);
}

TEST(HostRouting, MalformedTemplatesAreRefused) {
  for (const char* bad : {"", "example.com:8000", "{a}x.example", "a..b", "https://a.b", "{rest:path}.example"})
    EXPECT_THROW(Host(bad, {Route("/", hello)}), std::invalid_argument) << bad;
}

TEST(Convertors, ARegisteredConvertorMatchesAndBuildsUrls) {
  register_convertor("slug", [](std::string_view text) {
    return text.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string_view::npos;
  });
  App app({.routes = {Route("/posts/{slug:slug}", show_params, {}, "post")}});
  TestClient client(app);
  EXPECT_EQ(client.get("/posts/green-tea").json(), json({{"slug", "green-tea"}}));
  EXPECT_EQ(client.get("/posts/Green_Tea").status_code, 404);
  EXPECT_EQ(app.url_path_for("post", {{"slug", "oolong"}}), "/posts/oolong");
  EXPECT_THROW(app.url_path_for("post", {{"slug", "Not A Slug"}}), NoMatchFound);
}

TEST(Convertors, RegistrationMistakesAreRefusedNamingThem) {
  register_convertor("even", [](std::string_view text) { return !text.empty() && (text.back() - '0') % 2 == 0; });
  EXPECT_THROW(register_convertor("even", [](std::string_view) { return true; }), std::invalid_argument);
  EXPECT_THROW(register_convertor("int", [](std::string_view) { return true; }), std::invalid_argument);
  EXPECT_THROW(register_convertor("a:b", [](std::string_view) { return true; }), std::invalid_argument);
  EXPECT_THROW(register_convertor("empty", nullptr), std::invalid_argument);
  try {
    Route("/x/{v:odd}", hello);
    FAIL() << "an unknown convertor was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("unknown path convertor 'odd'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("even"), std::string::npos) << e.what();  // lists the registered ones
  }
}

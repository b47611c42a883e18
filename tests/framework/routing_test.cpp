// Routing: method dispatch, typed and path parameters, literal segments first, 404 and 405, HEAD, mounts,
// slash redirects, url_path_for, malformed templates, and sync endpoints on the worker pool.
#include <starling/routing.hpp>

#include <starling/application.hpp>
#include <starling/testclient.hpp>

#include <gtest/gtest.h>

#include <thread>

using namespace starling;

namespace {

awaitable<Response> echo_params(Request& request) {
  json params = json::object();
  for (const auto& param : request.path_params().items()) params[param.name] = param.value;
  co_return JSONResponse({{"route", "params"}, {"params", params}});
}

Handler named(std::string name) {
  return [name](Request&) -> awaitable<Response> { co_return PlainTextResponse(name); };
}

Routes table() {
  return {
      Route("/", named("home"), {"GET"}, "home"),
      Route("/notes", named("list"), {"GET"}, "notes"),
      Route("/notes", named("add"), {"POST"}),
      Route("/notes/{id:int}", echo_params, {"GET", "DELETE"}, "note"),
      Route("/notes/{id:int}", named("put"), {"PUT"}),
      Route("/notes/latest", named("latest")),
      Route("/price/{amount:float}", echo_params),
      Route("/items/{key:uuid}", echo_params),
      Route("/files/{rest:path}", echo_params, {"GET"}, "files"),
      Route("/users/{name}", echo_params, {"GET"}, "user"),
      Route("/users/me", named("me"), {"GET"}, "me"),  // after the parameter that "me" would match
      Route("/users/{name}/posts/{post:int}", echo_params),
      Route("/slash/", named("slash")),
      Mount("/api",
            {Route("/status", named("status"), {"GET"}, "status"),
             Mount("/v1", {Route("/ping", named("ping"), {"GET"}, "ping")}, "v1")},
            "api"),
  };
}

class RoutingTest : public ::testing::Test {
 protected:
  App app{{.routes = table()}};
  TestClient client{app};
};

}  // namespace

TEST_F(RoutingTest, StaticRoutesDispatchByMethod) {
  EXPECT_EQ(client.get("/").text(), "home");
  EXPECT_EQ(client.get("/notes").text(), "list");
  EXPECT_EQ(client.post("/notes").text(), "add");
  EXPECT_EQ(client.get("/notes/latest").text(), "latest");
}

TEST_F(RoutingTest, TypedParametersAreConvertedAndChecked) {
  auto response = client.get("/notes/42");
  ASSERT_EQ(response.status_code, 200);
  EXPECT_EQ(response.json()["params"]["id"], "42");
  EXPECT_EQ(client.get("/notes/abc").status_code, 404);
  EXPECT_EQ(client.get("/price/3.25").json()["params"]["amount"], "3.25");
  EXPECT_EQ(client.get("/price/x").status_code, 404);
  EXPECT_EQ(client.get("/items/123e4567-e89b-12d3-a456-426614174000").status_code, 200);
  EXPECT_EQ(client.get("/items/123e4567").status_code, 404);
}

TEST_F(RoutingTest, PathParameterTakesTheRestOfThePath) {
  EXPECT_EQ(client.get("/files/a/b/c.txt").json()["params"]["rest"], "a/b/c.txt");
}

TEST_F(RoutingTest, StringParametersArePercentDecodedAndStopAtSlash) {
  EXPECT_EQ(client.get("/users/J%C3%BCrgen").json()["params"]["name"], "Jürgen");
  auto nested = client.get("/users/ann/posts/7").json();
  EXPECT_EQ(nested["params"]["name"], "ann");
  EXPECT_EQ(nested["params"]["post"], "7");
}

TEST_F(RoutingTest, LiteralSegmentWinsOverParameter) {
  EXPECT_EQ(client.get("/notes/latest").text(), "latest");
  // Declared after /users/{name}, which "me" matches too: the literal wins all the same.
  EXPECT_EQ(client.get("/users/me").text(), "me");
  EXPECT_EQ(client.get("/users/ann").json()["params"]["name"], "ann");
  // And url_path_for builds the paths that match each.
  EXPECT_EQ(app.url_path_for("me"), "/users/me");
  EXPECT_EQ(client.get(app.url_path_for("user", {{"name", "meg"}})).json()["params"]["name"], "meg");
}

TEST_F(RoutingTest, UnknownPathIs404WithJsonDetail) {
  auto response = client.get("/nope");
  EXPECT_EQ(response.status_code, 404);
  EXPECT_EQ(response.json()["detail"], "Not Found");
}

TEST_F(RoutingTest, WrongMethodIs405WithEveryAllowedMethodAcrossRoutes) {
  auto response = client.request("PATCH", "/notes/3");
  EXPECT_EQ(response.status_code, 405);
  EXPECT_EQ(response.headers.get("allow", ""), "GET, DELETE, HEAD, PUT");
  EXPECT_EQ(response.json()["detail"], "Method Not Allowed");
  EXPECT_EQ(client.delete_("/notes").headers.get("allow", ""), "GET, HEAD, POST");
}

TEST_F(RoutingTest, HeadIsAnsweredForGetRoutesWithoutBody) {
  auto response = client.head("/notes");
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(response.text(), "");
  EXPECT_EQ(response.headers.get("content-length", ""), "4");
}

TEST_F(RoutingTest, MountsPrefixRoutesAndNestNames) {
  EXPECT_EQ(client.get("/api/status").text(), "status");
  EXPECT_EQ(client.get("/api/v1/ping").text(), "ping");
  EXPECT_EQ(app.url_path_for("api:status"), "/api/status");
  EXPECT_EQ(app.url_path_for("api:v1:ping"), "/api/v1/ping");
}

TEST_F(RoutingTest, RedirectSlashesBothWays) {
  auto added = client.get("/slash", {.follow_redirects = false});
  EXPECT_EQ(added.status_code, 307);
  EXPECT_EQ(added.headers.get("location", ""), "http://testserver/slash/");
  auto removed = client.get("/notes/?x=1", {.follow_redirects = false});
  EXPECT_EQ(removed.status_code, 307);
  EXPECT_EQ(removed.headers.get("location", ""), "http://testserver/notes?x=1");
  EXPECT_EQ(client.get("/slash").text(), "slash");  // followed
}

TEST(RoutingOptions, RedirectSlashesCanBeTurnedOff) {
  App app({.routes = {Route("/a", named("a"))}, .redirect_slashes = false});
  TestClient client(app);
  EXPECT_EQ(client.get("/a/").status_code, 404);
}

TEST_F(RoutingTest, UrlPathForBuildsPathsFromParameters) {
  EXPECT_EQ(app.url_path_for("home"), "/");
  EXPECT_EQ(app.url_path_for("note", {{"id", 3}}), "/notes/3");
  EXPECT_EQ(app.url_path_for("user", {{"name", "a b"}}), "/users/a%20b");
  EXPECT_EQ(app.url_path_for("files", {{"rest", "x/y.txt"}}), "/files/x/y.txt");
}

TEST(UrlPathFor, FloatArgumentsKeepTheirDigits) {
  App app({.routes = {Route("/price/{amount:float}", named("p"), {"GET"}, "price")}});
  EXPECT_EQ(app.url_path_for("price", {{"amount", 0.1234567}}), "/price/0.1234567");
  EXPECT_EQ(app.url_path_for("price", {{"amount", 1234567.5}}), "/price/1234567.5");
}

TEST_F(RoutingTest, UrlPathForNamesTheProblem) {
  try {
    app.url_path_for("missing");
    FAIL() << "expected NoMatchFound";
  } catch (const NoMatchFound& e) {
    EXPECT_NE(std::string(e.what()).find("'missing'"), std::string::npos) << e.what();
  }
  try {
    app.url_path_for("note");
    FAIL() << "expected NoMatchFound";
  } catch (const NoMatchFound& e) {
    EXPECT_NE(std::string(e.what()).find("{id}"), std::string::npos) << e.what();
  }
  try {
    app.url_path_for("note", {{"id", "abc"}});
    FAIL() << "expected NoMatchFound";
  } catch (const NoMatchFound& e) {
    EXPECT_NE(std::string(e.what()).find("must be int"), std::string::npos) << e.what();
  }
}

TEST(RouteDefinition, MalformedTemplatesThrowNamingThePath) {
  EXPECT_THROW(Route("notes", named("x")), std::invalid_argument);
  EXPECT_THROW(Route("/a/{id:bogus}", named("x")), std::invalid_argument);
  EXPECT_THROW(Route("/a/x{id}", named("x")), std::invalid_argument);
  EXPECT_THROW(Route("/a/{rest:path}/b", named("x")), std::invalid_argument);
  EXPECT_THROW(Route("/{a}{b}", named("x")), std::invalid_argument);
  try {
    Route("/a/{}", named("x"));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("/a/{}"), std::string::npos);
  }
}

TEST(RouteDefinition, MethodsAreUppercasedAndGetImpliesHead) {
  Route route("/", named("x"), {"get", "post"});
  EXPECT_EQ(route.methods(), (std::vector<std::string>{"GET", "POST", "HEAD"}));
}

TEST(SyncEndpoints, PlainFunctionsRunOnTheWorkerPool) {
  const auto loop_thread = std::this_thread::get_id();
  std::thread::id endpoint_thread;
  App app({.routes = {Route("/sync", [&](Request& request) -> Response {
             endpoint_thread = std::this_thread::get_id();
             return PlainTextResponse("sync " + std::string(request.method()));
           })}});
  TestClient client(app);
  EXPECT_EQ(client.get("/sync").text(), "sync GET");
  EXPECT_NE(endpoint_thread, loop_thread);
}

TEST(SyncEndpoints, ExceptionsFromThePoolReachErrorHandling) {
  App app({.routes = {Route("/boom", [](Request&) -> Response { throw HTTPException(418, "teapot"); })}});
  TestClient client(app);
  auto response = client.get("/boom");
  EXPECT_EQ(response.status_code, 418);
  EXPECT_EQ(response.json()["detail"], "teapot");
}

// The pool thread posts the answer, then lets go of the client's loop: a client
// destroyed in between freed the loop under it (AddressSanitizer saw it within a
// few hundred rounds; the sanitizer build runs this test).
TEST(SyncEndpoints, AClientDestroyedRightAfterItsLastAnswerOutlivesThePoolsHandOff) {
  App app({.routes = {Route("/sync", [](Request&) -> Response { return PlainTextResponse("ok"); })}});
  for (int round = 0; round < 1000; ++round) {
    TestClient client(app);
    ASSERT_EQ(client.get("/sync").text(), "ok");
  }
}

namespace {

// The endpoint answers with the template the router named; an outer middleware
// sees it too, after the call, and sends it back in a header.
awaitable<Response> echo_route(Request& request) { co_return PlainTextResponse(std::string(request.route_path())); }

awaitable<Response> route_after(Handler next, Request& request) {
  Response response = co_await next(request);
  response.headers.set("x-route", std::string(request.route_path()));
  co_return response;
}

}  // namespace

TEST(RoutePath, NamesTheTemplateThatMatchedNotThePath) {
  Middleware report_route = [](Handler next) -> Handler {
    return [next = std::move(next)](Request& request) { return route_after(next, request); };
  };
  Handler mounted_app = [](Request& request) -> awaitable<Response> {
    co_return PlainTextResponse("app:" + std::string(request.route_path()));
  };
  App app(
      {.routes = {Route("/notes/{id:int}", echo_route),
                  Mount("/api", {Mount("/v1", {Route("/items/{key}", echo_route)})}), Mount("/static", mounted_app)},
       .middleware = {report_route}});
  TestClient client(app);
  EXPECT_EQ(client.get("/notes/3").text(), "/notes/{id:int}");
  EXPECT_EQ(client.get("/api/v1/items/x").text(), "/api/v1/items/{key}");
  EXPECT_EQ(client.get("/static/css/a.css").text(), "app:/static/{path:path}");
  auto missing = client.get("/nowhere");
  EXPECT_EQ(missing.status_code, 404);
  EXPECT_EQ(missing.headers.get("x-route"), "");
  EXPECT_EQ(client.get("/notes/3").headers.get("x-route"), "/notes/{id:int}");
}

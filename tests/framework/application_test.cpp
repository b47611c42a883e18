// App through TestClient: HTTPException and unhandled errors, exception handlers by status and type,
// middleware order and short-circuits, startup/shutdown hooks and lifespan, and app state.
#include <starling/application.hpp>

#include <starling/testclient.hpp>

#include <gtest/gtest.h>

using namespace starling;

namespace {

struct PaymentRequired : std::runtime_error {
  using std::runtime_error::runtime_error;
};

awaitable<Response> fails(Request&) { throw std::runtime_error("secret database password in message"); }
awaitable<Response> teapot(Request&) { throw HTTPException(418, "I'm a teapot", Headers{{"x-tea", "earl grey"}}); }
awaitable<Response> no_content(Request&) { throw HTTPException(204); }
awaitable<Response> pays(Request&) { throw PaymentRequired("card declined"); }
awaitable<Response> ok(Request&) { co_return PlainTextResponse("ok"); }

Routes error_routes() {
  return {Route("/fails", fails), Route("/teapot", teapot), Route("/no-content", no_content), Route("/pays", pays),
          Route("/ok", ok)};
}

}  // namespace

TEST(Errors, HTTPExceptionBecomesJsonDetailWithHeaders) {
  App app({.routes = error_routes()});
  TestClient client(app);
  auto response = client.get("/teapot");
  EXPECT_EQ(response.status_code, 418);
  EXPECT_EQ(response.json(), json({{"detail", "I'm a teapot"}}));
  EXPECT_EQ(response.headers.get("x-tea", ""), "earl grey");
}

TEST(Errors, HTTPExceptionWithoutBodyStatus) {
  App app({.routes = error_routes()});
  TestClient client(app);
  auto response = client.get("/no-content");
  EXPECT_EQ(response.status_code, 204);
  EXPECT_EQ(response.text(), "");
}

TEST(Errors, UnhandledExceptionIsRethrownIntoTheTestByDefault) {
  App app({.routes = error_routes()});
  TestClient client(app);
  EXPECT_THROW(client.get("/fails"), std::runtime_error);
}

TEST(Errors, UnhandledExceptionIsA500WithoutTheMessage) {
  App app({.routes = error_routes()});
  TestClient client(app, {.raise_server_exceptions = false});
  auto response = client.get("/fails");
  EXPECT_EQ(response.status_code, 500);
  EXPECT_EQ(response.json(), json({{"detail", "Internal Server Error"}}));
  EXPECT_EQ(response.text().find("password"), std::string::npos);
  EXPECT_EQ(client.get("/ok").text(), "ok");  // still serving
}

TEST(Errors, DebugShowsTheMessage) {
  App app({.routes = error_routes(), .debug = true});
  TestClient client(app, {.raise_server_exceptions = false});
  auto body = client.get("/fails").json();
  EXPECT_EQ(body["error"], "secret database password in message");
  EXPECT_EQ(body["type"], "std::runtime_error");
}

TEST(Errors, HandlerByStatusCode) {
  App app({.routes = error_routes(),
           .exception_handlers = {{404, [](Request& request, const HTTPException&) -> Response {
                                     return HTMLResponse("<h1>No page at " + request.path() + "</h1>", 404);
                                   }}}});
  TestClient client(app);
  auto response = client.get("/missing");
  EXPECT_EQ(response.status_code, 404);
  EXPECT_EQ(response.text(), "<h1>No page at /missing</h1>");
}

TEST(Errors, HandlerByExceptionType) {
  App app({.routes = error_routes(),
           .exception_handlers = {exception_handler<PaymentRequired>([](Request&, const PaymentRequired& e) {
             return JSONResponse({{"detail", e.what()}}, 402);
           })}});
  TestClient client(app);
  auto response = client.get("/pays");
  EXPECT_EQ(response.status_code, 402);
  EXPECT_EQ(response.json()["detail"], "card declined");
}

TEST(Errors, Handler500TakesUnhandledExceptionsButTheTestStillSeesThem) {
  App app({.routes = error_routes(), .exception_handlers = {{500, [](Request&, const HTTPException&) -> Response {
                                                               return PlainTextResponse("custom failure", 500);
                                                             }}}});
  TestClient raising(app);
  EXPECT_THROW(raising.get("/fails"), std::runtime_error);
  TestClient client(app, {.raise_server_exceptions = false});
  auto response = client.get("/fails");
  EXPECT_EQ(response.status_code, 500);
  EXPECT_EQ(response.text(), "custom failure");
}

TEST(Errors, AThrowingHandlerBecomesA500NotAnEscape) {
  App app({.routes = error_routes(), .exception_handlers = {{404, [](Request&, const HTTPException&) -> Response {
                                                               throw std::runtime_error("handler bug");
                                                             }}}});
  TestClient client(app, {.raise_server_exceptions = false});
  EXPECT_EQ(client.get("/missing").status_code, 500);
  TestClient raising(app);
  EXPECT_THROW(raising.get("/missing"), std::runtime_error);
}

TEST(Errors, CatchAllTypeHandlerLeavesHTTPExceptionsAlone) {
  App app({.routes = error_routes(),
           .exception_handlers = {exception_handler<std::exception>([](Request&, const std::exception&) {
             return JSONResponse({{"detail", "caught"}}, 500);
           })}});
  TestClient client(app);
  EXPECT_EQ(client.get("/missing").status_code, 404);
  EXPECT_EQ(client.get("/teapot").status_code, 418);
  EXPECT_EQ(client.get("/fails").json()["detail"], "caught");
}

TEST(Lifecycle, LifespanAndHooksTogetherAreRefused) {
  EXPECT_THROW(App({.on_startup = {[] {}}, .lifespan = [](App&, Serve serve) -> awaitable<void> { co_await serve(); }}),
               std::invalid_argument);
}

TEST(Middleware, WrapsInDeclarationOrderAndSeesErrorsAsResponses) {
  std::vector<std::string> trace;
  auto tracer = [&trace](std::string name) -> Middleware {
    return [&trace, name](Handler next) -> Handler {
      return [&trace, name, next](Request& request) -> awaitable<Response> {
        trace.push_back(name + ">");
        auto response = co_await next(request);
        response.headers.append("x-trace", name);
        trace.push_back("<" + name);
        co_return response;
      };
    };
  };
  App app({.routes = error_routes(), .middleware = {tracer("outer"), tracer("inner")}});
  TestClient client(app);
  auto response = client.get("/teapot");
  EXPECT_EQ(response.status_code, 418);
  EXPECT_EQ(trace, (std::vector<std::string>{"outer>", "inner>", "<inner", "<outer"}));
  EXPECT_EQ(response.headers.get_list("x-trace"), (std::vector<std::string_view>{"inner", "outer"}));
}

TEST(Middleware, CanShortCircuitAndUseRequestState) {
  Middleware auth = [](Handler next) -> Handler {
    return [next](Request& request) -> awaitable<Response> {
      if (!request.headers().contains("authorization")) co_return JSONResponse({{"detail", "Unauthorized"}}, 401);
      request.state().set("user", std::string("ann"));
      co_return co_await next(request);
    };
  };
  App app({.routes = {Route("/me",
                            [](Request& request) -> awaitable<Response> {
                              co_return PlainTextResponse(request.state().get<std::string>("user"));
                            })},
           .middleware = {auth}});
  TestClient client(app);
  EXPECT_EQ(client.get("/me").status_code, 401);
  EXPECT_EQ(client.get("/me", {.headers = {{"authorization", "x"}}}).text(), "ann");
}

TEST(Lifecycle, StartupInOrderShutdownInReverseAroundTheClient) {
  std::vector<std::string> events;
  auto record = [&events](std::string name) { return [&events, name] { events.push_back(name); }; };
  App app({.routes = error_routes(),
           .on_startup = {record("start db"),
                          [&events]() -> awaitable<void> {
                            events.push_back("start cache");
                            co_return;
                          }},
           .on_shutdown = {record("stop db"), record("stop cache")}});
  {
    TestClient client(app);
    events.push_back("request");
    client.get("/ok");
  }
  EXPECT_EQ(events, (std::vector<std::string>{"start db", "start cache", "request", "stop cache", "stop db"}));
}

TEST(Lifecycle, StartupFailurePropagatesFromTheClient) {
  App app({.on_startup = {[]() -> awaitable<void> { throw std::runtime_error("cannot reach database"); }}});
  try {
    TestClient client(app);
    FAIL() << "expected the startup error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "cannot reach database");
  }
}

TEST(Lifecycle, LifespanRunsAroundServing) {
  std::vector<std::string> events;
  App app({.routes = error_routes(), .lifespan = [&events](App& app, Serve serve) -> awaitable<void> {
             events.push_back("startup");
             app.state().set("ready", true);
             co_await serve();
             events.push_back("shutdown");
           }});
  {
    TestClient client(app);
    EXPECT_TRUE(app.state().get<bool>("ready"));
    events.push_back("request");
    client.get("/ok");
    EXPECT_EQ(events, (std::vector<std::string>{"startup", "request"}));
  }
  EXPECT_EQ(events, (std::vector<std::string>{"startup", "request", "shutdown"}));
}

TEST(Lifecycle, LifespanStartupFailurePropagates) {
  App app({.lifespan = [](App&, Serve serve) -> awaitable<void> {
    throw std::runtime_error("lifespan failed");
    co_await serve();
  }});
  EXPECT_THROW(TestClient client(app), std::runtime_error);
}

TEST(AppState, SharedAcrossRequests) {
  App app({.routes = {Route("/count", [](Request& request) -> awaitable<Response> {
             auto& count = request.app()->state().get<int>("count");
             co_return JSONResponse(++count);
           })}});
  app.state().set("count", 0);
  TestClient client(app);
  client.get("/count");
  EXPECT_EQ(client.get("/count").json(), 2);
}

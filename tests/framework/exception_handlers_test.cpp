// Exception handlers that are coroutines, the 500 handler that receives what
// the endpoint threw, handlers that throw, and the debug page in HTML and JSON.
#include <starling/application.hpp>
#include <starling/testclient.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <gtest/gtest.h>

#include <chrono>

using namespace starling;

namespace {

struct OutOfStock : std::runtime_error {
  OutOfStock(std::string item, int wanted)
      : std::runtime_error("out of stock"), item(std::move(item)), wanted(wanted) {}
  std::string item;
  int wanted;
};

struct NotStd {};

awaitable<Response> sells(Request&) { throw OutOfStock("tea", 3); }
awaitable<Response> fails(Request&) { throw std::logic_error("the ledger is unbalanced"); }
awaitable<Response> throws_int(Request&) { throw NotStd{}; }
awaitable<Response> missing(Request&) { throw HTTPException(404, "no such tea"); }
awaitable<Response> wrapped(Request&) {
  try {
    throw std::runtime_error("disk full");
  } catch (...) {
    std::throw_with_nested(std::runtime_error("could not save the order"));
  }
}

Routes routes() {
  return {Route("/sells", sells), Route("/fails", fails), Route("/throws-int", throws_int), Route("/missing", missing),
          Route("/wrapped", wrapped)};
}

awaitable<void> suspend_briefly() {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, std::chrono::milliseconds(5));
  co_await timer.async_wait(boost::asio::use_awaitable);
}

Middleware pass_through() {
  return [](Handler next) -> Handler { return next; };
}

}  // namespace

TEST(ExceptionHandlers, ATypeHandlerReceivesTheExceptionItself) {
  App app({.routes = routes(), .exception_handlers = {exception_handler<OutOfStock>([](Request&, const OutOfStock& e) {
                                 return JSONResponse({{"item", e.item}, {"wanted", e.wanted}}, 409);
                               })}});
  TestClient client(app);
  const auto response = client.get("/sells");
  EXPECT_EQ(response.status_code, 409);
  EXPECT_EQ(response.json(), json({{"item", "tea"}, {"wanted", 3}}));
}

TEST(ExceptionHandlers, HandlersMayBeCoroutines) {
  for (const bool with_middleware : {false, true}) {
    std::vector<Middleware> middleware;
    if (with_middleware) middleware.push_back(pass_through());
    App app({.routes = routes(),
             .middleware = middleware,
             .exception_handlers = {
                 exception_handler<OutOfStock>([](Request&, const OutOfStock& e) -> awaitable<Response> {
                   co_await suspend_briefly();  // the exception must outlive the suspension
                   co_return JSONResponse({{"item", e.item}}, 409);
                 }),
                 {404, [](Request& request, const HTTPException& e) -> awaitable<Response> {
                    co_await suspend_briefly();
                    co_return PlainTextResponse(request.path() + ": " + e.detail().get<std::string>(), 404);
                  }}}});
    TestClient client(app);
    EXPECT_EQ(client.get("/sells").json(), json({{"item", "tea"}})) << with_middleware;
    EXPECT_EQ(client.get("/missing").text(), "/missing: no such tea") << with_middleware;
  }
}

TEST(ExceptionHandlers, The500HandlerReceivesTheOriginalException) {
  App app({.routes = routes(), .exception_handlers = {{500, [](Request&, const std::exception& e) {
                                                         return JSONResponse({{"caught", e.what()}}, 500);
                                                       }}}});
  TestClient client(app, {.raise_server_exceptions = false});
  EXPECT_EQ(client.get("/fails").json(), json({{"caught", "the ledger is unbalanced"}}));
  // Not a std::exception: a stand-in says so rather than the handler being skipped.
  EXPECT_EQ(client.get("/throws-int").json(), json({{"caught", "an exception that is not a std::exception"}}));
}

TEST(ExceptionHandlers, The500HandlerMayTakeTheExceptionPointerAndBeACoroutine) {
  App app({.routes = routes(),
           .exception_handlers = {{500, [](Request&, const std::exception_ptr& error) -> awaitable<Response> {
                                     co_await suspend_briefly();
                                     try {
                                       std::rethrow_exception(error);
                                     } catch (const NotStd&) {
                                       co_return PlainTextResponse("not std", 500);
                                     } catch (...) {
                                       co_return PlainTextResponse("other", 500);
                                     }
                                   }}}});
  TestClient client(app, {.raise_server_exceptions = false});
  EXPECT_EQ(client.get("/throws-int").text(), "not std");
  EXPECT_EQ(client.get("/fails").text(), "other");
}

TEST(ExceptionHandlers, AHandlerThatThrowsGivesA500AndTheServerKeepsServing) {
  for (const bool with_middleware : {false, true}) {
    std::vector<Middleware> middleware;
    if (with_middleware) middleware.push_back(pass_through());
    App app({.routes = routes(),
             .middleware = middleware,
             .exception_handlers = {exception_handler<OutOfStock>(
                 [](Request&, const OutOfStock&) -> Response { throw std::runtime_error("the handler broke too"); })}});
    TestClient client(app, {.raise_server_exceptions = false});
    const auto response = client.get("/sells");
    EXPECT_EQ(response.status_code, 500) << with_middleware;
    EXPECT_EQ(response.json(), json({{"detail", "Internal Server Error"}})) << with_middleware;
    EXPECT_EQ(client.get("/missing").status_code, 404) << with_middleware;
    TestClient raising(app);  // the test sees what broke: the handler's own error
    try {
      raising.get("/sells");
      ADD_FAILURE() << "expected the handler's exception";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "the handler broke too");
    }
  }
}

TEST(ExceptionHandlers, AThrowing500HandlerFallsBackToTheDefault500) {
  App app({.routes = routes(), .exception_handlers = {{500, [](Request&, const std::exception&) -> Response {
                                                         throw std::runtime_error("500 handler broke");
                                                       }}}});
  TestClient client(app, {.raise_server_exceptions = false});
  const auto response = client.get("/fails");
  EXPECT_EQ(response.status_code, 500);
  EXPECT_EQ(response.json(), json({{"detail", "Internal Server Error"}}));
}

TEST(DebugPage, ABrowserGetsAnHtmlPageNamingTheErrorItsCauseAndTheRequest) {
  App app({.routes = routes(), .debug = true});
  TestClient client(app, {.raise_server_exceptions = false});
  const auto response = client.get("/wrapped?q=<b>", {.headers = {{"accept", "text/html,application/xhtml+xml"},
                                                                  {"authorization", "Bearer hunter2"},
                                                                  {"x-trace", "<script>"}}});
  EXPECT_EQ(response.status_code, 500);
  EXPECT_EQ(response.headers.get("content-type", ""), "text/html; charset=utf-8");
  const auto page = response.text();
  EXPECT_NE(page.find("could not save the order"), std::string::npos) << page;
  EXPECT_NE(page.find("caused by std::runtime_error"), std::string::npos) << page;
  EXPECT_NE(page.find("disk full"), std::string::npos) << page;
  EXPECT_NE(page.find("GET http://testserver/wrapped?q=&lt;b&gt;"), std::string::npos) << page;
  EXPECT_NE(page.find("&lt;script&gt;"), std::string::npos) << page;
  EXPECT_EQ(page.find("<script>"), std::string::npos) << page;
  EXPECT_EQ(page.find("hunter2"), std::string::npos) << page;
}

TEST(DebugPage, OtherClientsGetTheSameAsJson) {
  App app({.routes = routes(), .debug = true});
  TestClient client(app, {.raise_server_exceptions = false});
  const auto body = client.get("/wrapped", {.headers = {{"cookie", "session=abc"}}}).json();
  EXPECT_EQ(body["detail"], "Internal Server Error");
  EXPECT_EQ(body["error"], "could not save the order");
  EXPECT_EQ(body["causes"], json::parse(R"([{"type": "std::runtime_error", "error": "disk full"}])"));
  EXPECT_EQ(body["request"]["method"], "GET");
  EXPECT_EQ(body["request"]["headers"]["cookie"], "**********");
}

TEST(DebugPage, WithoutDebugNothingInternalShows) {
  App app({.routes = routes()});
  TestClient client(app, {.raise_server_exceptions = false});
  for (const char* accept : {"text/html", "application/json"}) {
    const auto response = client.get("/wrapped", {.headers = {{"accept", accept}}});
    EXPECT_EQ(response.json(), json({{"detail", "Internal Server Error"}})) << accept;
  }
}

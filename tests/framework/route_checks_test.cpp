// What a Route declares is checked before its endpoint runs: the JSON body
// (415, 400, 422 listing every problem) and the query parameters (typed,
// required), after the route's own middleware; undeclared routes are untouched.
#include <starling/routing.hpp>

#include <starling/application.hpp>
#include <starling/testclient.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>

namespace starling {
namespace {

std::atomic<int> calls{0};

awaitable<Response> echo(Request& request) {
  ++calls;
  json out = {{"query", request.url().query}};
  if (!request.headers().get("content-type")) co_return JSONResponse(out);
  out["body"] = co_await request.json();
  co_return JSONResponse(out);
}

const Schema kNote = Schema::object({{"text", Schema::string({.max_length = 10})}, {"completed", Schema::boolean()}});

// Appends its name to X-Order on the way out: the innermost middleware writes first.
awaitable<Response> tagged(std::string name, std::shared_ptr<Handler> next, Request& request) {
  Response response = co_await (*next)(request);
  const auto order = response.headers.get("x-order");
  response.headers.set("x-order", order ? std::string(*order) + "," + name : name);
  co_return response;
}

awaitable<Response> refuse() { co_return JSONResponse({{"detail", "token needed"}}, 401); }

// Route middleware that refuses a request without a token, as requires_scopes does.
Middleware token_required() {
  return [](Handler next) -> Handler {
    return [next = std::move(next)](Request& request) -> awaitable<Response> {
      if (!request.headers().get("authorization")) return refuse();
      return next(request);
    };
  };
}

App make_app() {
  return App({.routes = {Route("/notes", echo, {"POST"}).body(kNote),
                         Route("/guarded", echo, {"POST"}).body(kNote).middleware({token_required()}),
                         Route("/list", echo)
                             .query("limit", Schema::integer({.minimum = 0, .maximum = 100}))
                             .query("done", Schema::boolean())
                             .query("q", Schema::string({.min_length = 2}), true),
                         Route("/plain", echo, {"POST"})},
              .exception_handlers = {}});
}

RequestOptions json_body(json body) {
  RequestOptions options;
  options.json = std::move(body);
  return options;
}

TEST(RouteChecks, AFittingBodyReachesTheEndpoint) {
  App app = make_app();
  TestClient client(app);
  auto response = client.post("/notes", json_body({{"text", "milk"}, {"completed", false}}));
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(response.json()["body"]["text"], "milk");
}

TEST(RouteChecks, ABodyThatDoesNotFitIs422ListingEveryProblem) {
  App app = make_app();
  TestClient client(app);
  const int before = calls;
  auto response = client.post("/notes", json_body({{"text", "far too long a note"}, {"extra", 1}}));
  EXPECT_EQ(response.status_code, 422);
  EXPECT_EQ(response.json(), json::parse(R"json({"detail": [
    {"field": "extra", "message": "\"extra\" is not a field of this object (text, completed)"},
    {"field": "text", "message": "\"text\" must be at most 10 characters long"},
    {"field": "completed", "message": "\"completed\" is required"}]})json"));
  EXPECT_EQ(calls, before) << "the endpoint never ran";
}

TEST(RouteChecks, ABodyThatIsNotJsonIs415AndMalformedJsonIs400) {
  App app = make_app();
  TestClient client(app);
  RequestOptions form;
  form.data = "text=milk";
  form.headers.set("content-type", "application/x-www-form-urlencoded");
  EXPECT_EQ(client.post("/notes", form).status_code, 415);
  RequestOptions broken;
  broken.data = "{\"text\": ";
  broken.headers.set("content-type", "application/json");
  const auto response = client.post("/notes", broken);
  EXPECT_EQ(response.status_code, 400);
  EXPECT_TRUE(response.json()["detail"].is_string()) << response.text();
}

TEST(RouteChecks, TheRoutesMiddlewareAnswersBeforeTheChecks) {
  App app = make_app();
  TestClient client(app);
  EXPECT_EQ(client.post("/guarded", json_body({{"bad", true}})).status_code, 401);
  RequestOptions with_token = json_body({{"bad", true}});
  with_token.headers.set("authorization", "Bearer x");
  EXPECT_EQ(client.post("/guarded", with_token).status_code, 422);
}

TEST(RouteChecks, QueryParametersAreTypedAndChecked) {
  App app = make_app();
  TestClient client(app);
  EXPECT_EQ(client.get("/list?q=ab&limit=10&done=true").status_code, 200);
  const auto response = client.get("/list?limit=ten&done=yes");
  EXPECT_EQ(response.status_code, 422);
  EXPECT_EQ(response.json(), json::parse(R"({"detail": [
    {"field": "limit", "message": "\"limit\" must be a whole number (64-bit), not \"ten\""},
    {"field": "done", "message": "\"done\" must be true or false, not \"yes\""},
    {"field": "q", "message": "\"q\" is required"}]})"));
  EXPECT_EQ(client.get("/list?q=a&limit=-1").json(), json::parse(R"({"detail": [
    {"field": "limit", "message": "\"limit\" must be at least 0"},
    {"field": "q", "message": "\"q\" must be at least 2 characters long"}]})"));
}

TEST(RouteChecks, AQueryNumberTooLargeForItsTypeIs422) {
  App app = make_app();
  TestClient client(app);
  const auto response = client.get("/list?q=ab&limit=99999999999999999999");
  EXPECT_EQ(response.status_code, 422);
  EXPECT_EQ(response.json()["detail"][0]["message"],
            "\"limit\" must be a whole number (64-bit), not \"99999999999999999999\"");
}

Middleware tag(const std::string& name) {
  return [name](Handler next) -> Handler {
    return [name, next = std::make_shared<Handler>(std::move(next))](Request& request) -> awaitable<Response> {
      return tagged(name, next, request);
    };
  };
}

TEST(RouteChecks, ALaterMiddlewareCallWrapsTheEarlierOnes) {
  // As when each call wrapped the endpoint at once: the last call's middleware is outermost.
  App app({.routes = {Route("/", echo).middleware({tag("a1"), tag("a2")}).middleware({tag("b")})}});
  TestClient client(app);
  EXPECT_EQ(client.get("/").headers.get("x-order"), "a2,a1,b");
}

TEST(RouteChecks, UndeclaredRoutesTakeAnyBody) {
  App app = make_app();
  TestClient client(app);
  EXPECT_EQ(client.post("/plain", json_body({{"anything", 1}})).status_code, 200);
}

TEST(RouteChecks, QueryParametersMustBeScalars) {
  EXPECT_THROW(Route("/x", echo).query("ids", Schema::array(Schema::integer())), std::invalid_argument);
  EXPECT_THROW(Route("/x", echo).response(99), std::invalid_argument);
}

}  // namespace
}  // namespace starling

// Request: query parameters, headers, cookies, URL and body, JSON and form bodies (400 or 415 when bad),
// typed path parameters, absolute-form targets, Host, per-request state and media_type.
#include <starling/request.hpp>

#include <starling/application.hpp>
#include <starling/testclient.hpp>

#include <gtest/gtest.h>

using namespace starling;

namespace {

// Answers with what the endpoint saw of the request.
awaitable<Response> inspect(Request& request) {
  json query = json::object();
  for (const auto& [key, value] : request.query_params()) query[key].push_back(value);
  json cookies = request.cookies();
  const std::string body(co_await request.body());  // GCC 12 rejects co_await inside a braced list
  co_return JSONResponse({
      {"method", request.method()},
      {"path", request.path()},
      {"url", request.url().to_string()},
      {"query", query},
      {"cookies", cookies},
      {"custom", request.headers().get_list("X-Custom")},
      {"client", request.client().host},
      {"body", body},
  });
}

awaitable<Response> parse_json(Request& request) {
  auto data = co_await request.json();
  co_return JSONResponse({{"got", data}});
}

awaitable<Response> parse_form(Request& request) {
  auto form = co_await request.form();
  json fields = json::object();
  for (const auto& [key, value] : form) fields[key].push_back(value);
  co_return JSONResponse(fields);
}

awaitable<Response> typed_id(Request& request) {
  const auto id = request.path_params().get<long long>("id");
  co_return JSONResponse({{"next", id + 1}});
}

}  // namespace

class RequestTest : public ::testing::Test {
 protected:
  App app{{.routes = {Route("/inspect/{rest:path}", inspect, {"GET", "POST"}), Route("/json", parse_json, {"POST"}),
                      Route("/form", parse_form, {"POST"}), Route("/typed/{id:int}", typed_id)}}};
  TestClient client{app};
};

TEST_F(RequestTest, QueryParamsAreMultiValuedAndDecoded) {
  auto seen = client.get("/inspect/x?a=1&b=two%20words&a=3&c=x+y").json();
  EXPECT_EQ(seen["query"]["a"], json({"1", "3"}));
  EXPECT_EQ(seen["query"]["b"], json({"two words"}));
  EXPECT_EQ(seen["query"]["c"], json({"x y"}));
}

TEST_F(RequestTest, ParamsOptionIsAddedToTheQuery) {
  auto seen = client.get("/inspect/x", {.params = {{"q", "a&b"}, {"q", "c"}}}).json();
  EXPECT_EQ(seen["query"]["q"], json({"a&b", "c"}));
}

TEST_F(RequestTest, HeadersAreCaseInsensitiveAndMultiValued) {
  RequestOptions options;
  options.headers.append("x-custom", "one");
  options.headers.append("X-CUSTOM", "two");
  auto seen = client.get("/inspect/x", options).json();
  EXPECT_EQ(seen["custom"], json({"one", "two"}));
}

TEST_F(RequestTest, CookiesAreParsed) {
  auto seen = client.get("/inspect/x", {.headers = {{"cookie", "a=1; b=\"quoted\"; c=x%20y"}}}).json();
  EXPECT_EQ(seen["cookies"], json({{"a", "1"}, {"b", "quoted"}, {"c", "x y"}}));
}

TEST_F(RequestTest, UrlMethodPathBodyAndClient) {
  auto seen = client.post("/inspect/a%2Fb/c?z=1", {.data = "raw body"}).json();
  EXPECT_EQ(seen["method"], "POST");
  EXPECT_EQ(seen["path"], "/inspect/a/b/c");
  EXPECT_EQ(seen["url"], "http://testserver/inspect/a%2Fb/c?z=1");
  EXPECT_EQ(seen["body"], "raw body");
  EXPECT_EQ(seen["client"], "testclient");
}

TEST_F(RequestTest, JsonBodyIsParsed) {
  auto response = client.post("/json", {.json = json{{"text", "hi"}, {"n", 2}}});
  EXPECT_EQ(response.json()["got"]["n"], 2);
}

TEST_F(RequestTest, InvalidJsonIs400WithJsonErrorNotA500) {
  auto response = client.post("/json", {.data = "{\"text\": ", .headers = {{"content-type", "application/json"}}});
  EXPECT_EQ(response.status_code, 400);
  const std::string detail = response.json()["detail"];
  EXPECT_NE(detail.find("Invalid JSON body"), std::string::npos) << detail;
  EXPECT_EQ(client.post("/json", {.data = ""}).status_code, 400);
}

TEST_F(RequestTest, JsonNumberTooLargeIs400) {
  auto response = client.post("/json", {.data = R"({"a": 1e999})"});
  EXPECT_EQ(response.status_code, 400);
  EXPECT_NE(response.json()["detail"].get<std::string>().find("Invalid JSON body"), std::string::npos);
}

TEST_F(RequestTest, DeeplyNestedJsonIs400NotACrash) {
  const std::string deep = R"({"text": )" + std::string(50000, '[') + std::string(50000, ']') + "}";
  auto response = client.post("/json", {.data = deep});
  EXPECT_EQ(response.status_code, 400);
  EXPECT_NE(response.json()["detail"].get<std::string>().find("nested deeper than 512"), std::string::npos);
  const std::string fine = std::string(100, '[') + std::string(100, ']');
  EXPECT_EQ(client.post("/json", {.data = fine}).status_code, 200);
}

TEST_F(RequestTest, PathIntegerBeyondRangeIs404Not500) {
  EXPECT_EQ(client.get("/typed/99999999999999999999").status_code, 404);  // no route match
  EXPECT_EQ(client.get("/typed/999999999999999999").status_code, 200);    // fits int64
}

TEST_F(RequestTest, UrlencodedFormIsParsed) {
  auto response = client.post("/form", {.form = MultiDict{{"name", "a b"}, {"tag", "x"}, {"tag", "y&z"}}});
  EXPECT_EQ(response.json(), json({{"name", {"a b"}}, {"tag", {"x", "y&z"}}}));
}

TEST_F(RequestTest, FormWithOtherContentTypeIs415) {
  auto response = client.post("/form", {.data = "{}", .headers = {{"content-type", "application/json"}}});
  EXPECT_EQ(response.status_code, 415);
  EXPECT_NE(response.json()["detail"].get<std::string>().find("application/json"), std::string::npos);
}

TEST_F(RequestTest, TypedPathParamAccessor) { EXPECT_EQ(client.get("/typed/41").json()["next"], 42); }

TEST(RequestParsing, AbsoluteFormTargetGivesHostAndPath) {
  Request request(RequestParts{.method = "GET", .target = "http://example.com:8080/a/b?x=1"});
  EXPECT_EQ(request.path(), "/a/b");
  EXPECT_EQ(request.url().host, "example.com");
  EXPECT_EQ(request.url().port, 8080);
  EXPECT_EQ(request.query_params().get("x", ""), "1");
}

TEST(RequestParsing, AnAbsoluteFormTargetDoesNotChooseTheScheme) {
  // Sent over plain HTTP, whatever the request line claims.
  Request request(RequestParts{.method = "GET", .target = "https://example.com/a", .scheme = "http"});
  EXPECT_EQ(request.url().scheme, "http");
  EXPECT_EQ(request.url().host, "example.com");
}

TEST(RequestParsing, HostHeaderGivesHostAndPort) {
  Request request(RequestParts{.target = "/p", .headers = {{"Host", "[::1]:9000"}}});
  EXPECT_EQ(request.url().host, "[::1]");
  EXPECT_EQ(request.url().port, 9000);
}

TEST(RequestParsing, PathParamConversionErrorsNameTheParameter) {
  PathParams params;
  params.add("id", "12x", Convertor::str);
  try {
    params.get<int>("id");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'id'"), std::string::npos);
  }
  EXPECT_THROW(params["nope"], std::out_of_range);
}

TEST(RequestParsing, StateHoldsPerRequestValues) {
  Request request;
  request.state().set("user", std::string("ann"));
  EXPECT_EQ(request.state().get<std::string>("user"), "ann");
  EXPECT_THROW(request.state().get<int>("user"), std::invalid_argument);
  EXPECT_THROW(request.state().get<int>("missing"), std::out_of_range);
  request.state().set("literal", "text");  // a string literal is kept as std::string
  EXPECT_EQ(request.state().get<std::string>("literal"), "text");
}

TEST(RequestMediaType, IsTheContentTypeWithoutParametersInLowerCase) {
  EXPECT_EQ(Request(RequestParts{.headers = {{"Content-Type", " Application/JSON ; charset=utf-8"}}}).media_type(),
            "application/json");
  EXPECT_EQ(Request(RequestParts{.headers = {{"content-type", "text/plain"}}}).media_type(), "text/plain");
  EXPECT_EQ(Request(RequestParts{}).media_type(), "");
}

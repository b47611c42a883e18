// CORSMiddleware: preflights allowed and refused for each reason, simple requests, wildcard or echoed
// origins with credentials, Vary, regex origins, and requests without Origin left alone.
#include <starling/middleware/cors.hpp>

#include <starling/application.hpp>
#include <starling/testclient.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace starling {
namespace {

awaitable<Response> homepage(Request&) { co_return PlainTextResponse("Homepage", 200, {{"X-Status", "ok"}}); }

// An endpoint that already varies on something, to check Vary is appended to.
awaitable<Response> varying(Request&) { co_return PlainTextResponse("Varying", 200, {{"Vary", "Accept-Encoding"}}); }

std::unique_ptr<App> make_app(CORSOptions options) {
  return std::make_unique<App>(AppOptions{
      .routes = {Route("/", homepage, {"GET", "POST"}), Route("/varying", varying),
                 Route("/options", homepage, {"OPTIONS"})},
      .middleware = {CORSMiddleware(std::move(options))},
  });
}

RequestOptions preflight(std::string origin, std::string method, std::string headers = {}) {
  RequestOptions options;
  options.headers.set("Origin", std::move(origin));
  options.headers.set("Access-Control-Request-Method", std::move(method));
  if (!headers.empty()) options.headers.set("Access-Control-Request-Headers", std::move(headers));
  return options;
}

RequestOptions with_origin(std::string origin) {
  RequestOptions options;
  options.headers.set("Origin", std::move(origin));
  return options;
}

std::string header(const TestResponse& response, std::string_view name) {
  return std::string(response.headers.get(name).value_or("<absent>"));
}

TEST(CORSMiddleware, AllowAllPreflightWithCredentialsEchoesOriginAndHeaders) {
  auto app = make_app({.allow_origins = {"*"},
                       .allow_methods = {"*"},
                       .allow_headers = {"*"},
                       .allow_credentials = true,
                       .expose_headers = {"X-Status"}});
  TestClient client(*app);
  auto response = client.options("/", preflight("https://example.org", "GET", "X-Example"));
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(response.text(), "OK");
  // With credentials a browser refuses "*", so the origin is echoed.
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "https://example.org");
  EXPECT_EQ(header(response, "Access-Control-Allow-Headers"), "X-Example");
  EXPECT_EQ(header(response, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(header(response, "Access-Control-Allow-Methods"), "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
  EXPECT_EQ(header(response, "Access-Control-Max-Age"), "600");
  EXPECT_EQ(header(response, "Vary"), "Origin");
}

TEST(CORSMiddleware, AllowAllSimpleRequestGetsWildcardUnlessCookiesAreSent) {
  auto app = make_app(
      {.allow_origins = {"*"}, .allow_headers = {"*"}, .allow_credentials = true, .expose_headers = {"X-Status"}});
  TestClient client(*app);
  auto response = client.get("/", with_origin("https://example.org"));
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(response.text(), "Homepage");
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(header(response, "Access-Control-Expose-Headers"), "X-Status");
  EXPECT_EQ(header(response, "Access-Control-Allow-Credentials"), "true");
  EXPECT_FALSE(response.headers.contains("Vary"));

  auto options = with_origin("https://example.org");
  options.headers.set("Cookie", "session=1");
  response = client.get("/", options);
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "https://example.org");
  EXPECT_EQ(header(response, "Vary"), "Origin");
}

TEST(CORSMiddleware, AllowAllWithoutCredentialsPreflightSaysWildcard) {
  auto app = make_app({.allow_origins = {"*"}, .allow_methods = {"GET", "POST"}});
  TestClient client(*app);
  auto response = client.options("/", preflight("https://example.org", "POST"));
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(header(response, "Access-Control-Allow-Methods"), "GET, POST");
  EXPECT_EQ(header(response, "Access-Control-Allow-Headers"),
            "Accept, Accept-Language, Content-Language, Content-Type");
  EXPECT_FALSE(response.headers.contains("Access-Control-Allow-Credentials"));
  EXPECT_FALSE(response.headers.contains("Vary"));
}

TEST(CORSMiddleware, SpecificOriginPreflightAllowed) {
  auto app = make_app(
      {.allow_origins = {"https://example.org"}, .allow_headers = {"X-Example", "Content-Type"}, .max_age = 42});
  TestClient client(*app);
  auto response = client.options("/", preflight("https://example.org", "GET", "x-example, Content-Type"));
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(response.text(), "OK");
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "https://example.org");
  EXPECT_EQ(header(response, "Access-Control-Allow-Headers"),
            "Accept, Accept-Language, Content-Language, Content-Type, X-Example");
  EXPECT_EQ(header(response, "Access-Control-Allow-Methods"), "GET");
  EXPECT_EQ(header(response, "Access-Control-Max-Age"), "42");
  EXPECT_EQ(header(response, "Vary"), "Origin");
  EXPECT_FALSE(response.headers.contains("Access-Control-Allow-Credentials"));
}

TEST(CORSMiddleware, PreflightDeniedForEachReason) {
  auto app = make_app({.allow_origins = {"https://example.org"}, .allow_headers = {"X-Example"}});
  TestClient client(*app);

  auto response = client.options("/", preflight("https://another.org", "GET"));
  EXPECT_EQ(response.status_code, 400);
  EXPECT_EQ(response.text(), "Disallowed CORS origin");
  EXPECT_FALSE(response.headers.contains("Access-Control-Allow-Origin"));

  response = client.options("/", preflight("https://example.org", "POST"));
  EXPECT_EQ(response.status_code, 400);
  EXPECT_EQ(response.text(), "Disallowed CORS method");

  response = client.options("/", preflight("https://example.org", "GET", "X-Example, X-Nope"));
  EXPECT_EQ(response.status_code, 400);
  EXPECT_EQ(response.text(), "Disallowed CORS headers");

  response = client.options("/", preflight("https://another.org", "DELETE", "X-Nope"));
  EXPECT_EQ(response.status_code, 400);
  EXPECT_EQ(response.text(), "Disallowed CORS origin, method, headers");
}

TEST(CORSMiddleware, SpecificOriginSimpleRequestEchoesOriginAndVaries) {
  auto app = make_app({.allow_origins = {"https://example.org"}, .expose_headers = {"X-Status", "X-Other"}});
  TestClient client(*app);
  auto response = client.post("/", with_origin("https://example.org"));
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(response.text(), "Homepage");
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "https://example.org");
  EXPECT_EQ(header(response, "Vary"), "Origin");
  EXPECT_EQ(header(response, "Access-Control-Expose-Headers"), "X-Status, X-Other");
  EXPECT_FALSE(response.headers.contains("Access-Control-Allow-Credentials"));

  response = client.get("/varying", with_origin("https://example.org"));
  EXPECT_EQ(header(response, "Vary"), "Accept-Encoding, Origin");
}

TEST(CORSMiddleware, DisallowedOriginSimpleRequestGetsNoAllowOrigin) {
  auto app = make_app({.allow_origins = {"https://example.org"}});
  TestClient client(*app);
  auto response = client.get("/", with_origin("https://another.org"));
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(response.text(), "Homepage");
  EXPECT_FALSE(response.headers.contains("Access-Control-Allow-Origin"));
}

TEST(CORSMiddleware, CredentialsWithSpecificOrigin) {
  auto app = make_app({.allow_origins = {"https://example.org"}, .allow_credentials = true});
  TestClient client(*app);
  auto response = client.get("/", with_origin("https://example.org"));
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "https://example.org");
  EXPECT_EQ(header(response, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(header(response, "Vary"), "Origin");

  response = client.options("/", preflight("https://example.org", "GET"));
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "https://example.org");
  EXPECT_EQ(header(response, "Access-Control-Allow-Credentials"), "true");
}

TEST(CORSMiddleware, RegexOriginMustMatchWholeOrigin) {
  auto app = make_app({.allow_origin_regex = R"(https://[a-z]+\.example\.org)"});
  TestClient client(*app);
  auto response = client.get("/", with_origin("https://api.example.org"));
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "https://api.example.org");
  EXPECT_EQ(header(response, "Vary"), "Origin");

  response = client.get("/", with_origin("https://api.example.org.evil.test"));
  EXPECT_FALSE(response.headers.contains("Access-Control-Allow-Origin"));

  response = client.options("/", preflight("https://api.example.org", "GET"));
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "https://api.example.org");

  response = client.options("/", preflight("http://api.example.org", "GET"));
  EXPECT_EQ(response.status_code, 400);
  EXPECT_EQ(response.text(), "Disallowed CORS origin");
}

TEST(CORSMiddleware, RequestsWithoutOriginPassUntouched) {
  auto app = make_app({.allow_origins = {"*"}, .allow_credentials = true, .expose_headers = {"X-Status"}});
  TestClient client(*app);
  auto response = client.get("/");
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(response.text(), "Homepage");
  EXPECT_FALSE(response.headers.contains("Access-Control-Allow-Origin"));
  EXPECT_FALSE(response.headers.contains("Access-Control-Allow-Credentials"));
  EXPECT_FALSE(response.headers.contains("Access-Control-Expose-Headers"));

  // Not a preflight without Origin: the endpoint answers, not the middleware.
  RequestOptions options;
  options.headers.set("Access-Control-Request-Method", "GET");
  response = client.options("/options", options);
  EXPECT_EQ(response.text(), "Homepage");
  EXPECT_FALSE(response.headers.contains("Access-Control-Allow-Methods"));
}

TEST(CORSMiddleware, OptionsWithoutRequestMethodIsASimpleRequest) {
  auto app = make_app({.allow_origins = {"https://example.org"}});
  TestClient client(*app);
  auto response = client.options("/options", with_origin("https://example.org"));
  EXPECT_EQ(response.text(), "Homepage");
  EXPECT_FALSE(response.headers.contains("Access-Control-Allow-Methods"));
  EXPECT_EQ(header(response, "Access-Control-Allow-Origin"), "https://example.org");
}

TEST(CORSMiddleware, IsAllowedOrigin) {
  CORSMiddleware cors({.allow_origins = {"https://example.org"}, .allow_origin_regex = R"(https://.*\.test)"});
  EXPECT_TRUE(cors.is_allowed_origin("https://example.org"));
  EXPECT_TRUE(cors.is_allowed_origin("https://a.test"));
  EXPECT_FALSE(cors.is_allowed_origin("https://example.org.evil"));
  EXPECT_FALSE(cors.is_allowed_origin("http://example.org"));
  EXPECT_TRUE(CORSMiddleware({.allow_origins = {"*"}}).is_allowed_origin("https://anything"));
}

TEST(CORSMiddleware, InvalidRegexThrowsNamingIt) {
  try {
    CORSMiddleware cors({.allow_origin_regex = "https://(unclosed"});
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("https://(unclosed"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace starling

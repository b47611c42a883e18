// TrustedHostMiddleware: allowed hosts and wildcard subdomains, 400 for others, IPv6 hosts, the redirect
// to www, and invalid patterns refused.
#include <starling/middleware/trusted_host.hpp>

#include <starling/application.hpp>
#include <starling/testclient.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace starling {
namespace {

awaitable<Response> homepage(Request&) { co_return PlainTextResponse("OK"); }

std::unique_ptr<App> make_app(TrustedHostOptions options) {
  return std::make_unique<App>(AppOptions{
      .routes = {Route("/", homepage), Route("/path", homepage)},
      .middleware = {TrustedHostMiddleware(std::move(options))},
  });
}

RequestOptions host(std::string value) {
  RequestOptions options;
  options.headers.set("Host", std::move(value));
  options.follow_redirects = false;
  return options;
}

TEST(TrustedHostMiddleware, AllowedHostPasses) {
  auto app = make_app({.allowed_hosts = {"testserver", "*.testserver"}});
  TestClient client(*app);
  auto response = client.get("/");  // TestClient sends Host: testserver
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(response.text(), "OK");

  for (std::string allowed : {"testserver:8000", "TestServer", "sub.testserver", "a.b.testserver:443"}) {
    response = client.get("/", host(allowed));
    EXPECT_EQ(response.status_code, 200) << allowed;
    EXPECT_EQ(response.text(), "OK") << allowed;
  }
}

TEST(TrustedHostMiddleware, OtherHostsAreRejected) {
  auto app = make_app({.allowed_hosts = {"testserver", "*.testserver"}});
  TestClient client(*app);
  for (std::string rejected :
       {"invalidhost", "eviltestserver", "testserver.evil", "", "testserver:80x", "testserver:@evil.test"}) {
    auto response = client.get("/", host(rejected));
    EXPECT_EQ(response.status_code, 400) << rejected;
    EXPECT_EQ(response.text(), "Invalid host header") << rejected;
    EXPECT_EQ(response.headers.get("Content-Type"), "text/plain; charset=utf-8") << rejected;
  }
}

TEST(TrustedHostMiddleware, WildcardMatchesSubdomainsOnly) {
  auto app = make_app({.allowed_hosts = {"*.example.com"}});
  TestClient client(*app);
  EXPECT_EQ(client.get("/", host("api.example.com")).status_code, 200);
  EXPECT_EQ(client.get("/", host("a.b.example.com")).status_code, 200);
  EXPECT_EQ(client.get("/", host("example.com")).status_code, 400);
  EXPECT_EQ(client.get("/", host("badexample.com")).status_code, 400);
  EXPECT_EQ(client.get("/").status_code, 400);
}

TEST(TrustedHostMiddleware, DefaultAllowsAnyHost) {
  auto app = make_app({});
  TestClient client(*app);
  EXPECT_EQ(client.get("/", host("anything.test")).status_code, 200);
  EXPECT_EQ(client.get("/", host("")).status_code, 200);
}

TEST(TrustedHostMiddleware, IPv6HostKeepsItsBrackets) {
  auto app = make_app({.allowed_hosts = {"[::1]"}});
  TestClient client(*app);
  EXPECT_EQ(client.get("/", host("[::1]:8000")).status_code, 200);
  EXPECT_EQ(client.get("/", host("[::1]")).status_code, 200);
  EXPECT_EQ(client.get("/", host("[::2]:8000")).status_code, 400);
}

TEST(TrustedHostMiddleware, RedirectsToWwwWhenOnlyWwwIsAllowed) {
  auto app = make_app({.allowed_hosts = {"www.example.com"}});
  TestClient client(*app);
  auto response = client.get("/path?x=1&y=2", host("example.com"));
  EXPECT_EQ(response.status_code, 307);
  EXPECT_EQ(response.headers.get("Location"), "http://www.example.com/path?x=1&y=2");

  response = client.get("/", host("Example.com:8080"));
  EXPECT_EQ(response.status_code, 307);
  EXPECT_EQ(response.headers.get("Location"), "http://www.example.com:8080/");

  EXPECT_EQ(client.get("/", host("www.example.com")).status_code, 200);
  EXPECT_EQ(client.get("/", host("other.com")).status_code, 400);
}

TEST(TrustedHostMiddleware, NoRedirectWhenDisabled) {
  auto app = make_app({.allowed_hosts = {"www.example.com"}, .www_redirect = false});
  TestClient client(*app);
  auto response = client.get("/", host("example.com"));
  EXPECT_EQ(response.status_code, 400);
  EXPECT_EQ(response.text(), "Invalid host header");
}

TEST(TrustedHostMiddleware, IsAllowedHost) {
  TrustedHostMiddleware middleware({.allowed_hosts = {"example.com", "*.example.org"}});
  EXPECT_TRUE(middleware.is_allowed_host("example.com"));
  EXPECT_TRUE(middleware.is_allowed_host("EXAMPLE.com"));
  EXPECT_TRUE(middleware.is_allowed_host("a.example.org"));
  EXPECT_FALSE(middleware.is_allowed_host("example.org"));
  EXPECT_FALSE(middleware.is_allowed_host("www.example.com"));
}

TEST(TrustedHostMiddleware, InvalidPatternsThrowNamingThePattern) {
  for (std::string pattern : {"example.*", "*example.com", "sub.*.example.com", "**.example.com"}) {
    try {
      TrustedHostMiddleware middleware({.allowed_hosts = {"ok.example.com", pattern}});
      ADD_FAILURE() << "no exception for " << pattern;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("'" + pattern + "'"), std::string::npos) << e.what();
    }
  }
  EXPECT_NO_THROW(TrustedHostMiddleware({.allowed_hosts = {"*", "*.example.com", "example.com"}}));
}

}  // namespace
}  // namespace starling

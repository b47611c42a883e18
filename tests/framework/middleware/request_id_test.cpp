// RequestIDMiddleware: a well-formed client id is kept and echoed, anything else
// replaced by a new one, endpoints read it, and an endpoint's own header wins.
#include <starling/middleware/request_id.hpp>

#include <starling/application.hpp>
#include <starling/testclient.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

namespace starling {
namespace {

awaitable<Response> echo_id(Request& request) { co_return PlainTextResponse(std::string(request.request_id())); }

awaitable<Response> own_header(Request&) {
  co_return PlainTextResponse("mine", 200, {{"X-Request-ID", "set-by-endpoint"}});
}

std::unique_ptr<App> make_app(RequestIDOptions options = {}) {
  return std::make_unique<App>(AppOptions{
      .routes = {Route("/", echo_id), Route("/own", own_header)},
      .middleware = {RequestIDMiddleware(std::move(options))},
  });
}

RequestOptions with_id(std::string id, std::string header = "X-Request-ID") {
  RequestOptions options;
  options.headers.set(std::move(header), std::move(id));
  return options;
}

bool is_generated(std::string_view id) { return std::regex_match(std::string(id), std::regex("[0-9a-f]{32}")); }

TEST(RequestIDMiddleware, KeepsAndEchoesAWellFormedClientId) {
  auto app = make_app();
  TestClient client(*app);
  for (const std::string& id : std::vector<std::string>{
           "abc-123", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f", std::string(200, 'x')}) {
    auto response = client.get("/", with_id(id));
    EXPECT_EQ(response.text(), id);
    EXPECT_EQ(response.headers.get("x-request-id"), id);
  }
}

TEST(RequestIDMiddleware, GeneratesAnIdWhenThereIsNone) {
  auto app = make_app();
  TestClient client(*app);
  auto first = client.get("/");
  auto second = client.get("/");
  EXPECT_TRUE(is_generated(first.text())) << first.text();
  EXPECT_EQ(first.headers.get("X-Request-ID"), first.text());
  EXPECT_NE(first.text(), second.text());
}

TEST(RequestIDMiddleware, ReplacesAnIdThatCouldBreakALogLine) {
  auto app = make_app();
  TestClient client(*app);
  for (const std::string& bad : std::vector<std::string>{"two words", "quote\"d", "back\\slash", "tab\there",
                                                         std::string(201, 'x'), "caf\xc3\xa9"}) {
    auto response = client.get("/", with_id(bad));
    EXPECT_TRUE(is_generated(response.text())) << bad << " -> " << response.text();
    EXPECT_EQ(response.headers.get("X-Request-ID"), response.text());
  }
}

TEST(RequestIDMiddleware, CanIgnoreTheClientsId) {
  auto app = make_app({.trust_incoming = false});
  TestClient client(*app);
  auto response = client.get("/", with_id("chosen-by-client"));
  EXPECT_TRUE(is_generated(response.text())) << response.text();
}

TEST(RequestIDMiddleware, UsesTheHeaderItIsGiven) {
  auto app = make_app({.header = "X-Correlation-ID", .max_length = 8});
  TestClient client(*app);
  auto response = client.get("/", with_id("abcd", "X-Correlation-ID"));
  EXPECT_EQ(response.text(), "abcd");
  EXPECT_EQ(response.headers.get("X-Correlation-ID"), "abcd");
  EXPECT_FALSE(response.headers.contains("X-Request-ID"));
  EXPECT_TRUE(is_generated(client.get("/", with_id("123456789", "X-Correlation-ID")).text()));
}

TEST(RequestIDMiddleware, LeavesAnEndpointsOwnHeader) {
  auto app = make_app();
  TestClient client(*app);
  auto response = client.get("/own", with_id("from-client"));
  EXPECT_EQ(response.headers.get_list("X-Request-ID").size(), 1u);
  EXPECT_EQ(response.headers.get("X-Request-ID"), "set-by-endpoint");
}

TEST(RequestIDMiddleware, RefusesAMalformedHeaderName) {
  EXPECT_THROW(RequestIDMiddleware({.header = ""}), std::invalid_argument);
  EXPECT_THROW(RequestIDMiddleware({.header = "X Request"}), std::invalid_argument);
}

TEST(RequestIDMiddleware, NoIdWithoutTheMiddleware) {
  App app({.routes = {Route("/", echo_id)}});
  TestClient client(app);
  auto response = client.get("/");
  EXPECT_EQ(response.text(), "");
  EXPECT_FALSE(response.headers.contains("X-Request-ID"));
}

}  // namespace
}  // namespace starling

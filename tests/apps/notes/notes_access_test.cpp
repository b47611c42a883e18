// The notes app's access rules: with NOTES_API_TOKEN, writes need the bearer
// token and reads stay open; behind a trusted proxy its URLs follow the
// forwarded scheme and host, from anyone else they do not; and each created
// note is logged by a background task after the answer; /metrics exists only
// with METRICS, and needs the token when one is set.
#include "notes_environment.hpp"

#include "support/metrics_text.hpp"

#include <starling/testclient.hpp>

#include <gtest/gtest.h>

namespace notes::test {
namespace {

using nlohmann::json;
using starling::RequestOptions;
using starling::TestClient;

constexpr const char* kToken = "a-long-random-api-token";

json note(const std::string& text) { return {{"text", text}, {"completed", false}}; }

RequestOptions with_token(const std::string& token, json body = nullptr) {
  RequestOptions options;
  options.headers.set("authorization", "Bearer " + token);
  if (!body.is_null()) options.json = std::move(body);
  return options;
}

// The app as NOTES_API_TOKEN=kToken would make it, on the test database.
std::unique_ptr<NotesApp> guarded_app() {
  Settings settings = test_settings();
  settings.api_token = starling::Secret(kToken);
  return std::make_unique<NotesApp>(settings);
}

TEST(NotesAccess, WithATokenSetWritesNeedItAndReadsStayOpen) {
  auto app = guarded_app();
  TestClient client(app->app());
  EXPECT_EQ(client.get("/notes").status_code, 200);
  EXPECT_EQ(client.get("/health").status_code, 200);

  const auto refused = client.post("/notes", {.json = note("anonymous")});
  EXPECT_EQ(refused.status_code, 401);
  EXPECT_EQ(refused.headers.get("www-authenticate", ""), "Bearer");
  EXPECT_EQ(client.get("/notes").json(), json::array());  // nothing was stored

  const auto wrong = client.post("/notes", with_token("guessed-token-of-same-len", note("forged")));
  EXPECT_EQ(wrong.status_code, 401);
  EXPECT_EQ(wrong.headers.get("www-authenticate", ""), R"(Bearer error="invalid_token")");
  EXPECT_EQ(wrong.json(), json({{"detail", "Invalid API token"}}));

  const auto added = client.post("/notes", with_token(kToken, note("with the token")));
  ASSERT_EQ(added.status_code, 200);
  const auto location = std::string(*added.headers.get("location"));
  EXPECT_EQ(client.patch(location, {.json = json{{"completed", true}}}).status_code, 401);
  EXPECT_EQ(client.put(location, {.json = note("x")}).status_code, 401);
  EXPECT_EQ(client.delete_(location).status_code, 401);
  EXPECT_EQ(client.post("/notes/import", {.json = json::array({note("x")})}).status_code, 401);
  EXPECT_EQ(client.post("/notes/populate/scoped").status_code, 401);
  EXPECT_EQ(client.patch(location, with_token(kToken, json{{"completed", true}})).status_code, 200);
  EXPECT_EQ(client.delete_(location, with_token(kToken)).status_code, 204);
}

TEST(NotesAccess, WithoutATokenEveryoneMayWrite) {
  ASSERT_TRUE(test_settings().api_token.empty());
  TestClient client(notes_app().app());
  EXPECT_EQ(client.post("/notes", {.json = note("open")}).status_code, 200);
}

TEST(NotesAccess, BehindATrustedProxyItsUrlsUseTheForwardedSchemeAndHost) {
  ASSERT_EQ(test_settings().forwarded_allow_ips, std::vector<std::string>{"127.0.0.1"});
  RequestOptions forwarded;
  forwarded.json = note("behind nginx");
  forwarded.headers.set("host", "notes.example.org");  // nginx: proxy_set_header Host $host
  forwarded.headers.set("x-forwarded-proto", "https");
  forwarded.headers.set("x-forwarded-for", "203.0.113.7");

  TestClient via_proxy(notes_app().app(), {.client_host = "127.0.0.1"});
  const auto behind = via_proxy.post("/notes", forwarded);
  EXPECT_TRUE(std::string(*behind.headers.get("location")).starts_with("https://notes.example.org/notes/"))
      << *behind.headers.get("location");

  TestClient direct(notes_app().app(), {.client_host = "198.51.100.20"});  // spoofing from outside
  const auto spoofed = direct.post("/notes", forwarded);
  EXPECT_TRUE(std::string(*spoofed.headers.get("location")).starts_with("http://notes.example.org/notes/"))
      << *spoofed.headers.get("location");
}

TEST(NotesAccess, ABackgroundTaskLogsEachCreatedNoteAfterTheAnswer) {
  TestClient client(notes_app().app());
  ::testing::internal::CaptureStderr();
  const auto added = client.post("/notes", {.json = note("logged")});
  const std::string output = ::testing::internal::GetCapturedStderr();
  const auto id = client.get(std::string(*added.headers.get("location"))).json()["id"].get<long long>();
  EXPECT_NE(output.find("notes: note " + std::to_string(id) + " created (6 bytes)"), std::string::npos) << output;
  EXPECT_EQ(output.find("logged"), std::string::npos) << output;  // the note's text stays out of the log
}

TEST(NotesAccess, MetricsAreServedOnlyWhenAskedForAndBehindTheToken) {
  EXPECT_EQ(TestClient(notes_app().app()).get("/metrics").status_code, 404) << "METRICS is off by default";

  Settings settings = test_settings();
  settings.metrics = true;
  {  // one app at a time: each holds the test database's force_rollback transaction
    NotesApp open_app(settings);
    TestClient open(open_app.app());
    ASSERT_EQ(open.post("/notes", {.json = note("counted")}).status_code, 200);
    const auto text = open.get("/metrics").text();
    using starling::test::sample_value;
    EXPECT_EQ(sample_value(text, R"(starling_http_requests_total{method="POST",route="/notes",status="200"})"), 1.0)
        << text;
    EXPECT_EQ(sample_value(text, R"(starling_db_pool_connections{database="notes",state="in_use"})"), 0.0) << text;
    EXPECT_EQ(sample_value(text, R"(starling_db_pool_timeouts_total{database="notes"})"), 0.0) << text;
  }
  settings.api_token = starling::Secret(kToken);
  NotesApp guarded(settings);
  TestClient client(guarded.app());
  EXPECT_EQ(client.get("/metrics").status_code, 401);
  const auto allowed = client.get("/metrics", with_token(kToken));
  EXPECT_EQ(allowed.status_code, 200);
  EXPECT_NE(allowed.text().find("starling_http_requests_total"), std::string::npos) << allowed.text();
}

}  // namespace
}  // namespace notes::test

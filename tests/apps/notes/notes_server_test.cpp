// The notes app behind a real server socket: concurrent writers, an exhausted
// pool, a database that goes away and comes back.
#include "notes_environment.hpp"

#include "support/run_command.hpp"
#include "support/test_databases.hpp"
#include "support/test_server.hpp"

#include <starling/db/text.hpp>
#include <starling/testclient.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

namespace notes::test {
namespace {

using nlohmann::json;
namespace db = starling::db;

std::string post_note(const std::string& text) {
  const std::string body = json{{"text", text}, {"completed", false}}.dump();
  return "POST /notes HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST(NotesServer, TwentyThreadsOfFiftyPostsStoreExactlyAThousandNotes) {
  starling::test::TestServer server(notes_app().app());
  constexpr int kThreads = 20, kEach = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        auto client = server.connect(std::chrono::seconds(30));
        for (int i = 0; i < kEach; ++i) {
          const auto answer = client.request(post_note(std::to_string(t) + "/" + std::to_string(i)));
          if (answer.status != 200) ++failures;
        }
      } catch (const std::exception&) {
        ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  auto client = server.connect();
  const auto listed = json::parse(client.request("GET /notes HTTP/1.1\r\nHost: test\r\n\r\n").body);
  ASSERT_EQ(listed.size(), static_cast<std::size_t>(kThreads * kEach));
  std::set<std::string> texts;
  for (const auto& note : listed) texts.insert(note["text"].get<std::string>());
  EXPECT_EQ(texts.size(), static_cast<std::size_t>(kThreads * kEach));  // none lost, none duplicated
}

TEST(NotesServer, CurlImportsAFileOfNotes) {
  starling::test::TestServer server(notes_app().app());
  const auto path = std::filesystem::temp_directory_path() / "starling-notes-import.csv";
  std::ofstream(path) << "text,completed\nfrom curl,true\n\"with, comma\",false\n";
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port());
  const auto answer = starling::test::run_command("curl -s -F 'file=@" + path.string() + "' " + base + "/notes/import");
  std::filesystem::remove(path);
  EXPECT_EQ(json::parse(answer), (json{{"imported", 2}}));
  const auto listed = json::parse(starling::test::run_command("curl -s " + base + "/notes"));
  EXPECT_EQ(listed,
            (json{{{"text", "from curl"}, {"completed", true}}, {{"text", "with, comma"}, {"completed", false}}}));
}

TEST(NotesServer, AnExhaustedPoolAnswers503WithRetryAfterNotAHang) {
  Settings settings = test_settings();
  settings.pool_timeout = std::chrono::milliseconds(200);
  NotesApp service(settings);
  starling::TestClient client(service.app());
  // Hold the only connection of the force_rollback database, as a slow request would.
  std::optional<db::Connection> held;
  starling::test::run([&]() -> db::awaitable<void> { held.emplace(co_await service.database().connection()); }());
  const auto answer = client.get("/notes");
  EXPECT_EQ(answer.status_code, 503);
  EXPECT_EQ(answer.headers.get("retry-after").value_or(""), "1");
  EXPECT_NE(answer.json()["detail"].get<std::string>().find("busy"), std::string::npos) << answer.text();
  EXPECT_EQ(client.get("/health").status_code, 503);
  held.reset();
  EXPECT_EQ(client.get("/notes").status_code, 200);  // free again: served again
}

TEST(NotesServer, ADatabaseThatGoesAwayGives503AndTheAppRecoversByItself) {
  if (!on_postgres()) GTEST_SKIP() << "a SQLite file does not go away";
  Settings settings = test_settings();
  settings.testing = false;  // a real pool on the test database: force_rollback's one transaction cannot survive
  settings.database_url = test_settings().effective_database_url();
  NotesApp service(settings);
  starling::test::TestServer server(service.app());
  const auto get = [&](const std::string& path) {
    auto client = server.connect();
    return client.request("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n");
  };
  EXPECT_EQ(get("/health").status, 200);

  // The server refuses the database and drops its connections: as if it were down.
  db::Database admin(settings.database_url.replace({.database = "postgres"}));
  starling::test::run(admin.connect());
  const auto name = settings.database_url.database();
  const auto set_allowed = [&](bool allowed) {
    starling::test::run(
        admin.execute(db::text("ALTER DATABASE \"" + name + "\" ALLOW_CONNECTIONS " + (allowed ? "true" : "false"))));
    if (!allowed)
      starling::test::run(admin.execute(
          db::text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name").bind("name", name)));
  };
  set_allowed(false);
  const auto down = get("/notes");
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(down.header("retry-after"), "1");
  EXPECT_EQ(json::parse(down.body)["detail"], "the database is unavailable; try again shortly");
  EXPECT_EQ(down.body.find("postgres"), std::string::npos) << "no URL in the body";
  EXPECT_EQ(get("/health").status, 503);

  set_allowed(true);
  EXPECT_EQ(get("/notes").status, 200);  // no restart: the pool opened fresh connections
  EXPECT_EQ(get("/health").status, 200);
  starling::test::run(admin.disconnect());
}

}  // namespace
}  // namespace notes::test

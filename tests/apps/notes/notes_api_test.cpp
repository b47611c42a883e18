// The notes endpoints through TestClient, each test on an empty table
// (force_rollback), on the backend this run uses.
#include "notes_environment.hpp"

#include <starling/testclient.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

namespace notes::test {
namespace {

using nlohmann::json;
using starling::TestClient;

json note(const std::string& text, bool completed) { return {{"text", text}, {"completed", completed}}; }

TEST(NotesApi, ListAndAddAsInTheReference) {
  TestClient client(notes_app().app());
  EXPECT_EQ(client.get("/notes").json(), json::array());
  const auto added = client.post("/notes", {.json = note("buy milk", false)});
  EXPECT_EQ(added.status_code, 200);
  EXPECT_EQ(added.json(), note("buy milk", false));
  EXPECT_TRUE(added.headers.get("location").has_value());
  client.post("/notes", {.json = note("call mum", true)});
  client.post("/notes", {.json = note("again", false)});
  EXPECT_EQ(client.get("/notes").json(),
            (json{note("buy milk", false), note("call mum", true), note("again", false)}));  // insertion order
}

TEST(NotesApi, OneNoteByIdAnd404ForAMissingOne) {
  TestClient client(notes_app().app());
  const auto location = std::string(*client.post("/notes", {.json = note("x", true)}).headers.get("location"));
  const auto found = client.get(location);
  EXPECT_EQ(found.status_code, 200);
  EXPECT_EQ(found.json()["text"], "x");
  EXPECT_EQ(found.json()["completed"], true);
  EXPECT_EQ("http://testserver/notes/" + std::to_string(found.json()["id"].get<long long>()), location);
  const auto missing = client.get("/notes/999999");
  EXPECT_EQ(missing.status_code, 404);
  EXPECT_EQ(missing.json()["detail"], "note 999999 not found");
  EXPECT_EQ(client.get("/notes/abc").status_code, 404);  // not an int: no route
}

TEST(NotesApi, EveryAnswerListsANotesFieldsInOneOrder) {
  TestClient client(notes_app().app());
  const auto added = client.post("/notes", {.json = note("x", false)});
  EXPECT_EQ(added.text(), R"({"text":"x","completed":false})");
  EXPECT_EQ(client.get("/notes").text(), R"([{"text":"x","completed":false}])");
  const auto location = std::string(*added.headers.get("location"));
  const auto id = std::to_string(client.get(location).json().at("id").get<long long>());
  for (const auto& answer : {client.get(location), client.get("/notes?full=true"),
                             client.patch(location, {.json = json{{"completed", true}}})}) {
    const auto text = answer.text();
    EXPECT_LT(text.find(R"("id":)" + id), text.find(R"("text":)")) << text;
    EXPECT_LT(text.find(R"("text":)"), text.find(R"("completed":)")) << text;
    EXPECT_LT(text.find(R"("completed":)"), text.find(R"("created_at":)")) << text;
  }
}

TEST(NotesApi, OneNoteSaysWhenItWasCreatedInUtc) {
  TestClient client(notes_app().app());
  const auto before = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const auto location = std::string(*client.post("/notes", {.json = note("x", false)}).headers.get("location"));
  const auto text = client.get(location).json().at("created_at").get<std::string>();
  int year = 0;
  unsigned month = 0, day = 0;
  int hours = 0, minutes = 0, seconds = 0;
  char zone = 0;
  ASSERT_EQ(
      std::sscanf(text.c_str(), "%4d-%2u-%2uT%2d:%2d:%2d%c", &year, &month, &day, &hours, &minutes, &seconds, &zone), 7)
      << text;
  ASSERT_EQ(zone, 'Z') << text;
  const auto created = std::chrono::sys_days(std::chrono::year(year) / month / day) + std::chrono::hours(hours) +
                       std::chrono::minutes(minutes) + std::chrono::seconds(seconds);
  // PostgreSQL's CURRENT_TIMESTAMP is the start of the test's rolled-back transaction.
  EXPECT_LE(std::chrono::abs(created - before), std::chrono::minutes(2)) << text;
  EXPECT_EQ(client.get("/notes").json(), json{note("x", false)});  // the reference's list shape stays
}

TEST(NotesApi, PutReplacesPatchChangesAndDeleteRemoves) {
  TestClient client(notes_app().app());
  const auto location = std::string(*client.post("/notes", {.json = note("draft", false)}).headers.get("location"));
  const auto patched = client.patch(location, {.json = json{{"completed", true}}});
  EXPECT_EQ(patched.status_code, 200);
  EXPECT_EQ(patched.json()["text"], "draft");
  EXPECT_EQ(patched.json()["completed"], true);
  const auto put = client.put(location, {.json = note("final", false)});
  EXPECT_EQ(put.json()["text"], "final");
  EXPECT_EQ(put.json()["completed"], false);
  EXPECT_EQ(client.put(location, {.json = json{{"text", "no completed"}}}).status_code, 422);  // PUT needs both
  EXPECT_EQ(client.get(location).json()["text"], "final");

  EXPECT_EQ(client.delete_(location).status_code, 204);
  EXPECT_EQ(client.get(location).status_code, 404);
  EXPECT_EQ(client.delete_(location).status_code, 404);
  EXPECT_EQ(client.patch(location, {.json = json{{"completed", true}}}).status_code, 404);
  EXPECT_EQ(client.put(location, {.json = note("y", true)}).status_code, 404);
  EXPECT_EQ(client.get("/notes").json(), json::array());
}

TEST(NotesApi, FiltersAndPagesWithoutLimitGiveEveryNote) {
  TestClient client(notes_app().app());
  for (int i = 0; i < 7; ++i) client.post("/notes", {.json = note("n" + std::to_string(i), i % 2 == 0)});
  EXPECT_EQ(client.get("/notes").json().size(), 7u);
  const auto done = client.get("/notes?completed=true").json();
  EXPECT_EQ(done, (json{note("n0", true), note("n2", true), note("n4", true), note("n6", true)}));
  const auto page = client.get("/notes?completed=false&limit=2&offset=1");
  EXPECT_EQ(page.json(), (json{note("n3", false), note("n5", false)}));
  EXPECT_EQ(page.headers.at("X-Total-Count"), "3");  // every open note, not the page
  EXPECT_EQ(client.get("/notes?offset=5").json(), (json{note("n5", false), note("n6", true)}));
  EXPECT_EQ(client.get("/notes?offset=5").headers.at("X-Total-Count"), "7");
  EXPECT_FALSE(client.get("/notes").headers.contains("X-Total-Count"));  // no page, no count query
  EXPECT_EQ(client.get("/notes?limit=0").json(), json::array());
  for (const char* bad : {"/notes?completed=yes", "/notes?completed=1", "/notes?limit=-1", "/notes?limit=ten",
                          "/notes?offset=1.5", "/notes?limit=99999999999999999999"}) {
    const auto answer = client.get(bad);
    EXPECT_EQ(answer.status_code, 422) << bad;
    EXPECT_TRUE(answer.json()["detail"][0].contains("field")) << bad << " " << answer.text();
  }
}

TEST(NotesApi, HealthSaysTheDatabaseAnswers) {
  TestClient client(notes_app().app());
  const auto health = client.get("/health");
  EXPECT_EQ(health.status_code, 200);
  EXPECT_EQ(health.json(), (json{{"status", "ok"}, {"database", "ok"}}));
}

TEST(NotesApi, WrongMethodIs405WithAllowAndUnknownPathIs404) {
  TestClient client(notes_app().app());
  const auto wrong = client.request("PATCH", "/notes");
  EXPECT_EQ(wrong.status_code, 405);
  const auto allow = std::string(wrong.headers.get("allow").value_or(""));
  EXPECT_NE(allow.find("GET"), std::string::npos) << allow;
  EXPECT_NE(allow.find("POST"), std::string::npos) << allow;
  EXPECT_EQ(client.get("/nowhere").status_code, 404);
  EXPECT_EQ(client.get("/notes/populate/scoped").status_code, 405);
}

}  // namespace
}  // namespace notes::test

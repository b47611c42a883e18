// Bad input never reaches the database and never becomes a 500; good text
// round-trips exactly, on the backend this run uses.
#include "notes_environment.hpp"

#include <starling/testclient.hpp>

#include <gtest/gtest.h>

namespace notes::test {
namespace {

using nlohmann::json;
using starling::RequestOptions;
using starling::TestClient;

RequestOptions raw_json(std::string body) {
  return {.data = std::move(body), .headers = {{"content-type", "application/json"}}};
}

TEST(NotesInput, EachBadBodyGetsA4xxNamingTheProblemAndWritesNothing) {
  TestClient client(notes_app().app());
  struct Case {
    RequestOptions request;
    int status;
    std::string field;  // "" when the problem is the whole body
  };
  const std::vector<Case> cases = {
      {raw_json("{\"text\": \"x\", "), 400, ""},  // malformed JSON
      {raw_json("[1, 2]"), 422, ""},              // not an object
      {raw_json("\"text\""), 422, ""},
      {{.json = json{{"completed", true}}}, 422, "text"},               // missing text
      {{.json = json{{"text", "x"}}}, 422, "completed"},                // missing completed
      {{.json = json{{"text", 5}, {"completed", true}}}, 422, "text"},  // text not a string
      {{.json = json{{"text", nullptr}, {"completed", true}}}, 422, "text"},
      {{.json = json{{"text", "x"}, {"completed", 1}}}, 422, "completed"},  // no casting of 1
      {{.json = json{{"text", "x"}, {"completed", "yes"}}}, 422, "completed"},
      {{.json = json{{"text", "x"}, {"completed", nullptr}}}, 422, "completed"},
      {{.json = json{{"text", "x"}, {"completed", true}, {"id", 7}}}, 422, "id"},  // unknown field
      {{.data = "text=x&completed=true", .headers = {{"content-type", "application/x-www-form-urlencoded"}}}, 415, ""},
      {{.data = "{\"text\": \"x\", \"completed\": true}"}, 415, ""},  // no content type
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto answer = client.post("/notes", cases[i].request);
    EXPECT_EQ(answer.status_code, cases[i].status) << "case " << i << ": " << answer.text();
    const auto body = json::parse(answer.text(), nullptr, false);
    ASSERT_TRUE(body.is_object() && body.contains("detail")) << "case " << i << ": " << answer.text();
    if (!cases[i].field.empty()) {
      EXPECT_EQ(body["detail"][0]["field"], cases[i].field) << "case " << i;
    }
  }
  EXPECT_EQ(client.get("/notes").json(), json::array());
}

TEST(NotesInput, AnyJsonMediaTypeIsAcceptedWhateverItsCaseOrParameters) {
  TestClient client(notes_app().app());
  const std::string body = R"({"text": "x", "completed": false})";
  for (const char* type : {"Application/JSON; charset=utf-8", "application/vnd.notes+json"})
    EXPECT_EQ(client.post("/notes", {.data = body, .headers = {{"content-type", type}}}).status_code, 200) << type;
  EXPECT_EQ(client.post("/notes", {.data = body, .headers = {{"content-type", "text/json"}}}).status_code, 415);
  EXPECT_EQ(client.get("/notes").json().size(), 2u);
}

TEST(NotesInput, PatchNeedsAtLeastOneKnownFieldOfTheRightType) {
  TestClient client(notes_app().app());
  const auto location = std::string(
      *client.post("/notes", {.json = json{{"text", "keep"}, {"completed", false}}}).headers.get("location"));
  EXPECT_EQ(client.patch(location, {.json = json::object()}).status_code, 422);
  EXPECT_EQ(client.patch(location, {.json = json{{"completed", "true"}}}).status_code, 422);
  EXPECT_EQ(client.patch(location, {.json = json{{"colour", "red"}}}).status_code, 422);
  EXPECT_EQ(client.get(location).json()["text"], "keep");
  EXPECT_EQ(client.get(location).json()["completed"], false);
}

TEST(NotesInput, TextRoundTripsExactly) {
  TestClient client(notes_app().app());
  const std::vector<std::string> texts = {
      "héllo wörld ✓ 日本語 🎉",
      "quotes \" and ' and `backticks`",
      "back\\slash \\n not a newline",
      "line one\nline two\r\n\ttabbed",
      "'); DROP TABLE notes; --",
      "Robert'); SELECT * FROM notes WHERE ('1' = '1",
      ":id $1 ? %s",
      "",
      std::string(100 * 1024, 'x') + "end",
  };
  for (const auto& text : texts) {
    const auto added = client.post("/notes", {.json = json{{"text", text}, {"completed", true}}});
    ASSERT_EQ(added.status_code, 200) << added.text().substr(0, 200);
    EXPECT_EQ(added.json()["text"], text);
  }
  const auto stored = client.get("/notes").json();
  ASSERT_EQ(stored.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(stored[i]["text"], texts[i]) << i;
}

TEST(NotesInput, ANulCharacterIsStoredWhereTheBackendCanAndA422WhereItCannot) {
  TestClient client(notes_app().app());
  const std::string text("before\0after", 12);
  const auto answer = client.post("/notes", {.json = json{{"text", text}, {"completed", false}}});
  if (on_postgres()) {  // PostgreSQL text cannot hold U+0000
    EXPECT_EQ(answer.status_code, 422) << answer.text();
    EXPECT_NE(answer.json()["detail"].get<std::string>().find("U+0000"), std::string::npos) << answer.text();
    EXPECT_EQ(answer.text().find("INSERT"), std::string::npos) << "the SQL must not reach the client";
    EXPECT_EQ(client.get("/notes").json(), json::array());
  } else {
    EXPECT_EQ(answer.status_code, 200);
    EXPECT_EQ(client.get("/notes").json()[0]["text"], text);
  }
  EXPECT_EQ(client.get("/health").status_code, 200);  // and the app keeps serving
}

}  // namespace
}  // namespace notes::test

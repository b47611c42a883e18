// The notes app's declared API: bodies checked before the endpoint with every
// problem listed, a write's token asked for before its body is checked, and
// /openapi.json describing every route it serves.
#include "notes_environment.hpp"

#include <starling/testclient.hpp>

#include <gtest/gtest.h>

#include <set>
#include <utility>

namespace notes::test {
namespace {

using nlohmann::json;
using starling::TestClient;

TEST(NotesOpenAPI, EveryProblemOfABodyIsListed) {
  TestClient client(notes_app().app());
  const auto answer = client.post("/notes", {.json = json{{"text", 5}, {"completed", "no"}, {"id", 1}}});
  EXPECT_EQ(answer.status_code, 422);
  EXPECT_EQ(answer.json(), json::parse(R"json({"detail": [
    {"field": "completed", "message": "\"completed\" must be true or false"},
    {"field": "id", "message": "\"id\" is not a field of NoteBody (text, completed)"},
    {"field": "text", "message": "\"text\" must be a string"}]})json"));
  EXPECT_EQ(client.get("/notes?limit=-1&completed=maybe").json(), json::parse(R"({"detail": [
    {"field": "completed", "message": "\"completed\" must be true or false, not \"maybe\""},
    {"field": "limit", "message": "\"limit\" must be at least 0"}]})"));
}

TEST(NotesOpenAPI, AWriteAsksForTheTokenBeforeItChecksTheBody) {
  Settings settings = test_settings();
  settings.api_token = starling::Secret("a-long-random-api-token");
  NotesApp guarded(settings);
  TestClient client(guarded.app());
  EXPECT_EQ(client.post("/notes", {.json = json{{"bad", true}}}).status_code, 401);
  EXPECT_EQ(client.patch("/notes/1", {.json = json::object()}).status_code, 401);
}

std::set<std::pair<std::string, std::string>> operations(const json& document) {
  std::set<std::pair<std::string, std::string>> found;
  for (const auto& [path, item] : document["paths"].items())
    for (const auto& [method, operation] : item.items()) found.emplace(method, path);
  return found;
}

TEST(NotesOpenAPI, TheDocumentDescribesEveryRoute) {
  const auto response = TestClient(notes_app().app()).get("/openapi.json");
  ASSERT_EQ(response.status_code, 200);
  const auto document = response.json();
  EXPECT_EQ(document["openapi"], "3.1.0");
  EXPECT_EQ(document["info"]["title"], "Notes");
  const std::set<std::pair<std::string, std::string>> expected = {
      {"get", "/"},
      {"post", "/notes/import"},
      {"get", "/notes"},
      {"post", "/notes"},
      {"get", "/notes/{id}"},
      {"put", "/notes/{id}"},
      {"patch", "/notes/{id}"},
      {"delete", "/notes/{id}"},
      {"post", "/notes/populate/decorator"},
      {"post", "/notes/populate/scoped"},
      {"post", "/notes/populate/low-level"},
      {"get", "/health"},
      {"get", "/openapi.json"},
  };
  EXPECT_EQ(operations(document), expected) << document["paths"].dump(2);
  const auto& add = document["paths"]["/notes"]["post"];
  EXPECT_EQ(add["requestBody"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/NoteBody");
  EXPECT_FALSE(add.contains("security")) << "without NOTES_API_TOKEN anyone may write";
  EXPECT_EQ(document["paths"]["/notes/{id}"]["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/NotePatch");
  for (const char* name : {"NoteBody", "NotePatch", "Note", "ListedNote", "Health", "Error", "ValidationError"})
    EXPECT_TRUE(document["components"]["schemas"].contains(name)) << name;

  Settings settings = test_settings();
  settings.api_token = starling::Secret("a-long-random-api-token");
  settings.metrics = true;
  NotesApp guarded(settings);
  const auto guarded_document = TestClient(guarded.app()).get("/openapi.json").json();
  EXPECT_EQ(guarded_document["paths"]["/notes"]["post"]["security"], json::parse(R"([{"bearer": []}])"));
  EXPECT_FALSE(guarded_document["paths"]["/notes"]["get"].contains("security")) << "reads stay open";
  EXPECT_TRUE(guarded_document["paths"].contains("/metrics"));
}

}  // namespace
}  // namespace notes::test

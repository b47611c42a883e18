// The notes service's face: the page and its files, live changes over
// /ws/notes, and imports of JSON and CSV files (all rows or none).
#include "notes_environment.hpp"

#include "import.hpp"
#include "support/test_databases.hpp"

#include <starling/db/text.hpp>
#include <starling/exceptions.hpp>
#include <starling/testclient.hpp>

#include <gtest/gtest.h>

namespace notes::test {
namespace {

using nlohmann::json;
using starling::FilePart;
using starling::TestClient;

starling::TestResponse import_file(TestClient& client, const std::string& name, const std::string& content,
                                   const std::string& type = "application/octet-stream") {
  return client.post("/notes/import", {.files = {{"file", FilePart{name, content, type}}}});
}

TEST(NotesWeb, ThePageAndItsFilesAreServed) {
  TestClient client(notes_app().app());
  const auto page = client.get("/");
  EXPECT_EQ(page.status_code, 200);
  EXPECT_EQ(page.headers.get("content-type", ""), "text/html; charset=utf-8");
  EXPECT_NE(page.text().find("<script src=\"/static/app.js\">"), std::string::npos);
  EXPECT_EQ(client.get("/static/app.js").headers.get("content-type", ""), "text/javascript; charset=utf-8");
  EXPECT_EQ(client.get("/static/style.css").status_code, 200);
  EXPECT_EQ(client.get("/static/../app.cpp").status_code, 404);
}

TEST(NotesWeb, EveryChangeReachesEveryOpenPage) {
  TestClient client(notes_app().app());
  auto first = client.websocket_connect("/ws/notes");
  auto second = client.websocket_connect("/ws/notes");
  client.post("/notes", {.json = json{{"text", "buy milk"}, {"completed", false}}});
  const auto created = first.receive_json();
  EXPECT_EQ(created["type"], "created");
  EXPECT_EQ(created["note"]["text"], "buy milk");
  EXPECT_EQ(second.receive_json(), created);
  const auto id = created["note"]["id"].get<long long>();

  client.patch("/notes/" + std::to_string(id), {.json = json{{"completed", true}}});
  const auto changed = first.receive_json();
  EXPECT_EQ(changed["type"], "changed");
  EXPECT_EQ(changed["note"]["completed"], true);
  EXPECT_EQ(second.receive_json(), changed);

  client.delete_("/notes/" + std::to_string(id));
  EXPECT_EQ(first.receive_json(), (json{{"type", "deleted"}, {"id", id}}));
  EXPECT_EQ(second.receive_json(), (json{{"type", "deleted"}, {"id", id}}));
}

TEST(NotesWeb, AClosedPageIsForgotten) {
  TestClient client(notes_app().app());
  {
    auto page = client.websocket_connect("/ws/notes");
    EXPECT_EQ(notes_app().live().pages(), 1u);
  }
  client.post("/notes", {.json = json{{"text", "after"}, {"completed", false}}});
  EXPECT_EQ(notes_app().live().pages(), 0u);
}

TEST(NotesWeb, TheFullListHasIds) {
  TestClient client(notes_app().app());
  client.post("/notes", {.json = json{{"text", "a"}, {"completed", false}}});
  const auto full = client.get("/notes?full=true").json();
  ASSERT_EQ(full.size(), 1u);
  EXPECT_TRUE(full[0].contains("id"));
  EXPECT_TRUE(full[0].contains("created_at"));
  EXPECT_EQ(client.get("/notes").json(), (json{{{"text", "a"}, {"completed", false}}}));  // the reference's shape
}

TEST(NotesImport, AJsonFileIsStoredWhole) {
  TestClient client(notes_app().app());
  auto page = client.websocket_connect("/ws/notes");
  const auto answer =
      import_file(client, "notes.json", R"([{"text": "one", "completed": false}, {"text": "two", "completed": true}])");
  EXPECT_EQ(answer.status_code, 200) << answer.text();
  EXPECT_EQ(answer.json(), (json{{"imported", 2}}));
  EXPECT_EQ(page.receive_json(), (json{{"type", "imported"}, {"count", 2}}));
  EXPECT_EQ(client.get("/notes").json(),
            (json{{{"text", "one"}, {"completed", false}}, {{"text", "two"}, {"completed", true}}}));
}

TEST(NotesImport, ACsvFileIsStoredWhole) {
  TestClient client(notes_app().app());
  const std::string csv = "completed,text\r\nfalse,\"milk, eggs\"\r\nTRUE,\"say \"\"hi\"\"\nthen go\"\r\n\r\n";
  const auto answer = import_file(client, "notes.csv", csv);
  EXPECT_EQ(answer.status_code, 200) << answer.text();
  EXPECT_EQ(answer.json(), (json{{"imported", 2}}));
  EXPECT_EQ(client.get("/notes").json(), (json{{{"text", "milk, eggs"}, {"completed", false}},
                                               {{"text", "say \"hi\"\nthen go"}, {"completed", true}}}));
}

TEST(NotesImport, OneBadRowStoresNothingAndIsNamed) {
  TestClient client(notes_app().app());
  struct Case {
    std::string name, content;
    json detail;
  };
  const std::vector<Case> cases = {
      {"n.json",
       R"([{"text": "ok", "completed": false}, {"text": "bad", "completed": "yes"}])",
       {{"row", 2}, {"field", "completed"}, {"message", "\"completed\" must be true or false"}}},
      {"n.json",
       R"([{"text": "ok", "completed": false}, {"completed": true}])",
       {{"row", 2}, {"field", "text"}, {"message", "\"text\" is required"}}},
      {"n.csv",
       "text,completed\nok,false\nbad,maybe\n",
       {{"row", 2}, {"field", "completed"}, {"message", "\"completed\" must be true or false, not \"maybe\""}}},
      {"n.csv",
       "text,completed\nok,false\nshort\n",
       {{"row", 2}, {"field", ""}, {"message", "has 1 fields; the header has 2"}}},
  };
  for (const auto& c : cases) {
    const auto answer = import_file(client, c.name, c.content);
    EXPECT_EQ(answer.status_code, 422) << c.content;
    EXPECT_EQ(answer.json()["detail"], c.detail) << c.content;
  }
  EXPECT_EQ(client.get("/notes").json(), json::array());
}

TEST(NotesImport, WrongFilesAndFormsAreRefusedClearly) {
  TestClient client(notes_app().app());
  EXPECT_EQ(import_file(client, "notes.txt", "text").status_code, 415);
  EXPECT_EQ(import_file(client, "n.json", "{not json").json()["detail"], "the file is not valid JSON");
  EXPECT_EQ(import_file(client, "n.json", "{}").json()["detail"], "the JSON file must hold an array of notes");
  EXPECT_EQ(import_file(client, "n.json", "[]").json()["detail"], "the file holds no notes");
  EXPECT_EQ(import_file(client, "n.csv", "title,completed\nx,true\n").json()["detail"],
            "the CSV header names 'title': a note has only text and completed");
  EXPECT_EQ(import_file(client, "n.csv", "text,completed\n\"open,true\n").json()["detail"],
            "the CSV file ends inside a quoted field");
  const auto no_file = client.post("/notes/import", {.form = starling::MultiDict{{"file", "not a file"}}});
  EXPECT_EQ(no_file.status_code, 422);
  const auto too_big = import_file(client, "n.csv", std::string(kImportMaxBodySize + 1, 'x'));
  EXPECT_EQ(too_big.status_code, 413);
  EXPECT_EQ(client.get("/notes").json(), json::array());
}

// A row the database itself refuses, in the second batch of the multi-row
// insert: the first thousand rows, already sent, are rolled back with it.
TEST(NotesImport, ADatabaseFailurePartWayStoresNothing) {
  TestClient client(notes_app().app());
  auto& database = notes_app().database();
  namespace db = starling::db;
  if (on_postgres()) {
    starling::test::run(
        database.execute(db::text("CREATE FUNCTION refuse_boom() RETURNS trigger AS $$ BEGIN IF NEW.text = 'boom' THEN "
                                  "RAISE EXCEPTION 'boom refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql")));
    starling::test::run(database.execute(
        db::text("CREATE TRIGGER refuse_boom BEFORE INSERT ON notes FOR EACH ROW EXECUTE FUNCTION refuse_boom()")));
  } else {
    starling::test::run(
        database.execute(db::text("CREATE TRIGGER refuse_boom BEFORE INSERT ON notes WHEN "
                                  "NEW.text = 'boom' BEGIN SELECT RAISE(ABORT, 'boom refused'); END")));
  }
  std::string csv = "text,completed\n";
  for (int i = 0; i < 1500; ++i) csv += (i == 1200 ? std::string("boom") : "note " + std::to_string(i)) + ",false\n";
  const auto answer = import_file(client, "n.csv", csv);
  // SQLite reports RAISE(ABORT) as a constraint (409), PostgreSQL's RAISE as a 500.
  EXPECT_GE(answer.status_code, 400) << answer.text();
  EXPECT_EQ(client.get("/notes").json(), json::array());
  // The service goes on: the next import is stored.
  EXPECT_EQ(import_file(client, "n.csv", "text,completed\nafter,true\n").json(), (json{{"imported", 1}}));
}

TEST(NotesImport, CsvRecordsFollowRfc4180) {
  EXPECT_EQ(parse_csv("a,b\n1,2"), (std::vector<std::vector<std::string>>{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(parse_csv("a,\n\n,b\r\n"), (std::vector<std::vector<std::string>>{{"a", ""}, {"", "b"}}));
  EXPECT_EQ(parse_csv("\"x\"\"y\",\"1\n2\""), (std::vector<std::vector<std::string>>{{"x\"y", "1\n2"}}));
  EXPECT_THROW(parse_csv("\"open"), starling::HTTPException);
}

}  // namespace
}  // namespace notes::test

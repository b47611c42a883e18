// openapi_document: paths with typed path parameters, one operation per method
// (HEAD left out), what routes declare, the errors those declarations cause,
// named schemas defined once, and what is left out; openapi_endpoint serves it.
#include <starling/openapi.hpp>

#include <starling/application.hpp>
#include <starling/routing.hpp>
#include <starling/staticfiles.hpp>
#include <starling/testclient.hpp>
#include <starling/websockets.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

namespace starling {
namespace {

awaitable<Response> ok(Request&) { co_return PlainTextResponse("ok"); }
awaitable<void> chat(WebSocket& websocket) { co_await websocket.accept(); }

const Schema kNote = Schema::object({{"text", Schema::string()}, {"completed", Schema::boolean()}}).named("Note");

const OpenAPIInfo kInfo{
    .title = "Notes", .version = "1.2.0", .security_schemes = {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}};

Routes table() {
  return {
      Route("/notes", ok, {"GET"}, "list_notes")
          .summary("List notes")
          .query("limit", Schema::integer({.minimum = 0}), false, "How many at most")
          .response(200, "The notes", Schema::array(kNote)),
      Route("/notes", ok, {"POST"}, "add_note").body(kNote).security("bearer").response(201, "Added", kNote),
      Route("/notes/{id:int}", ok, {"PUT", "PATCH"}, "change_note").body(kNote),
      Mount("/api", {Route("/items/{key:uuid}", ok, {"DELETE"}), Route("/files/{rest:path}", ok)}),
      Route("/hidden", ok).include_in_schema(false),
      WebSocketRoute("/ws", chat),
      Mount("/static", StaticFiles("."), "static"),
      Route("/openapi.json", openapi_endpoint(kInfo), {"GET"}, "openapi"),
  };
}

TEST(OpenAPI, ListsEveryRoutesOperationsWithTypedPathParameters) {
  const auto document = openapi_document(table(), kInfo);
  EXPECT_EQ(document["openapi"], "3.1.0");
  EXPECT_EQ(document["info"], json({{"title", "Notes"}, {"version", "1.2.0"}}));
  std::vector<std::string> paths;
  for (const auto& [path, item] : document["paths"].items()) paths.push_back(path);
  EXPECT_EQ(paths, (std::vector<std::string>{"/api/files/{rest}", "/api/items/{key}", "/notes", "/notes/{id}",
                                             "/openapi.json"}))
      << "no /hidden, /ws or /static";
  const auto& note = document["paths"]["/notes/{id}"];
  EXPECT_TRUE(note.contains("put") && note.contains("patch") && !note.contains("head")) << note;
  EXPECT_EQ(note["put"]["operationId"], "change_note_PUT");
  EXPECT_EQ(note["put"]["parameters"],
            json::parse(R"([{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}])"));
  EXPECT_EQ(document["paths"]["/api/items/{key}"]["delete"]["parameters"][0]["schema"],
            json({{"type", "string"}, {"format", "uuid"}}));
  EXPECT_TRUE(document["paths"]["/api/files/{rest}"].contains("get"));
  EXPECT_FALSE(document["paths"]["/api/files/{rest}"]["get"].contains("operationId")) << "unnamed";
}

TEST(OpenAPI, DescribesWhatRoutesDeclare) {
  const auto document = openapi_document(table(), kInfo);
  const auto& list = document["paths"]["/notes"]["get"];
  EXPECT_EQ(list["operationId"], "list_notes");
  EXPECT_EQ(list["summary"], "List notes");
  EXPECT_EQ(list["parameters"], json::parse(R"([{"name": "limit", "in": "query", "required": false,
    "description": "How many at most", "schema": {"type": "integer", "minimum": 0.0}}])"));
  EXPECT_EQ(list["responses"]["200"]["content"]["application/json"]["schema"],
            json::parse(R"({"type": "array", "items": {"$ref": "#/components/schemas/Note"}})"));
  EXPECT_EQ(list["responses"]["422"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ValidationError");

  const auto& add = document["paths"]["/notes"]["post"];
  EXPECT_EQ(add["requestBody"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Note");
  EXPECT_EQ(add["security"], json::parse(R"([{"bearer": []}])"));
  std::vector<std::string> codes;
  for (const auto& [code, response] : add["responses"].items()) codes.push_back(code);
  EXPECT_EQ(codes, (std::vector<std::string>{"201", "400", "401", "415", "422"}));
  EXPECT_EQ(add["responses"]["201"]["description"], "Added");
  EXPECT_EQ(document["paths"]["/notes/{id}"]["patch"]["responses"]["404"]["description"], "Nothing has that path");
}

TEST(OpenAPI, DefinesEachNamedSchemaOnce) {
  const auto document = openapi_document(table(), kInfo);
  const auto& schemas = document["components"]["schemas"];
  EXPECT_EQ(schemas["Note"], kNote.definition("#/components/schemas/"));
  EXPECT_TRUE(schemas.contains("Error") && schemas.contains("ValidationError")) << schemas;
  EXPECT_EQ(document["components"]["securitySchemes"], kInfo.security_schemes);
}

TEST(OpenAPI, RefusesAnUndefinedSecuritySchemeOrTwoSchemasOfOneName) {
  const Routes unknown_scheme = {Route("/x", ok).security("api_key")};
  EXPECT_THROW(openapi_document(unknown_scheme, kInfo), std::invalid_argument);
  const Routes clash = {Route("/a", ok, {"POST"}).body(kNote),
                        Route("/b", ok, {"POST"}).body(Schema::object({{"other", Schema::string()}}).named("Note"))};
  EXPECT_THROW(openapi_document(clash, kInfo), std::invalid_argument);
}

TEST(OpenAPI, OperationIdsAreUniqueAndTheFirstRouteOfAPathAndMethodWins) {
  awaitable<Response> (*other)(Request&) = [](Request&) -> awaitable<Response> { co_return PlainTextResponse("2"); };
  const Routes routes = {
      Mount("/a", {Route("/items", ok, {"GET"}, "list")}, "a"),
      Mount("/b", {Route("/items", ok, {"GET"}, "list")}, "b"),
      Route("/x", ok, {"GET"}, "same").summary("first"),
      Route("/x", other, {"GET"}, "same").summary("never answers"),
      Route("/y", ok, {"GET"}, "same"),
      Route("/head-only", ok, {"HEAD"}),
      Route("/purge", ok, {"PURGE", "DELETE"}),
  };
  const auto document = openapi_document(routes, kInfo);
  EXPECT_EQ(document["paths"]["/a/items"]["get"]["operationId"], "a:list");
  EXPECT_EQ(document["paths"]["/b/items"]["get"]["operationId"], "b:list");
  EXPECT_EQ(document["paths"]["/x"]["get"]["summary"], "first");
  EXPECT_EQ(document["paths"]["/x"]["get"]["operationId"], "same");
  EXPECT_EQ(document["paths"]["/y"]["get"]["operationId"], "same_GET");
  EXPECT_FALSE(document["paths"].contains("/head-only"));
  EXPECT_EQ(document["paths"]["/purge"].size(), 1u) << "PURGE is no OpenAPI method: " << document["paths"]["/purge"];
}

TEST(OpenAPI, ARefusedTableIsA500EachTimeNotAHang) {
  App app({.routes = {Route("/x", ok).security("api_key"), Route("/openapi.json", openapi_endpoint(kInfo))}});
  TestClient client(app, {.raise_server_exceptions = false});
  EXPECT_EQ(client.get("/openapi.json").status_code, 500);
  EXPECT_EQ(client.get("/openapi.json").status_code, 500);
}

TEST(OpenAPI, TheEndpointServesTheAppsDocument) {
  App app({.routes = table()});
  TestClient client(app);
  const auto response = client.get("/openapi.json");
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(response.headers.get("content-type"), "application/json");
  EXPECT_EQ(response.json(), openapi_document(table(), kInfo));
}

}  // namespace
}  // namespace starling

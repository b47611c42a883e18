// Response types: media types, compact JSON, redirects, cookies safe from injected attributes, streaming,
// FileResponse with its metadata (and 404 for a missing file), and guess_media_type.
#include <starling/responses.hpp>

#include <starling/application.hpp>
#include <starling/testclient.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

using namespace starling;

namespace {

std::filesystem::path write_temp_file(const std::string& name, const std::string& content) {
  auto path = std::filesystem::temp_directory_path() / ("starling-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

}  // namespace

TEST(Responses, MediaTypesAndCharset) {
  EXPECT_EQ(PlainTextResponse("x").headers.get("content-type", ""), "text/plain; charset=utf-8");
  EXPECT_EQ(HTMLResponse("x").headers.get("content-type", ""), "text/html; charset=utf-8");
  EXPECT_EQ(JSONResponse({{"a", 1}}).headers.get("content-type", ""), "application/json");
  EXPECT_EQ(Response("x", 200, {}, "image/png").headers.get("content-type", ""), "image/png");
}

TEST(Responses, JsonIsCompact) {
  EXPECT_EQ(JSONResponse({{"message", "Hello, World!"}}).body, R"({"message":"Hello, World!"})");
}

TEST(Responses, OrderedJsonKeepsItsKeyOrder) {
  const nlohmann::ordered_json ordered = {{"zeta", 1}, {"alpha", 2}};
  const JSONResponse response(ordered, 201);
  EXPECT_EQ(response.body, R"({"zeta":1,"alpha":2})");
  EXPECT_EQ(response.status_code, 201);
  EXPECT_EQ(response.headers.get("content-type", ""), "application/json");
  EXPECT_EQ(JSONResponse(nlohmann::json(ordered)).body, R"({"alpha":2,"zeta":1})");  // json sorts
}

TEST(Responses, RedirectDefaultsTo307) {
  RedirectResponse redirect("/next");
  EXPECT_EQ(redirect.status_code, 307);
  EXPECT_EQ(redirect.headers.get("location", ""), "/next");
}

TEST(Responses, SetAndDeleteCookie) {
  Response response("x");
  response.set_cookie("session", "abc", {.max_age = 60, .httponly = true});
  response.delete_cookie("old");
  auto cookies = response.headers.get_list("set-cookie");
  ASSERT_EQ(cookies.size(), 2u);
  EXPECT_EQ(cookies[0], "session=abc; Max-Age=60; Path=/; HttpOnly; SameSite=lax");
  EXPECT_NE(cookies[1].find("old=; Max-Age=0; expires=Thu, 01 Jan 1970 00:00:00 GMT"), std::string_view::npos);
}

TEST(Responses, CookiePartsCannotInjectAttributes) {
  Response response("x");
  EXPECT_THROW(response.set_cookie("s", "x; Domain=evil.example"), std::invalid_argument);
  EXPECT_THROW(response.set_cookie("s", "line\r\nSet-Cookie: y=1"), std::invalid_argument);
  EXPECT_THROW(response.set_cookie("a=b", "v"), std::invalid_argument);
  EXPECT_THROW(response.set_cookie("", "v"), std::invalid_argument);
  EXPECT_THROW(response.set_cookie("s", "v", {.path = "/; Secure"}), std::invalid_argument);
  EXPECT_FALSE(response.headers.contains("set-cookie"));
  response.set_cookie("s", "a%3Bb");  // percent-encoded values are fine
  EXPECT_EQ(response.headers.get_list("set-cookie").size(), 1u);
}

TEST(Responses, StreamingResponseProducesChunksInOrder) {
  App app({.routes = {Route("/stream", [](Request&) -> awaitable<Response> {
             auto count = std::make_shared<int>(0);
             co_return StreamingResponse([count]() -> awaitable<std::optional<std::string>> {
               if (*count == 3) co_return std::nullopt;
               co_return "chunk" + std::to_string((*count)++) + ";";
             });
           })}});
  TestClient client(app);
  auto response = client.get("/stream");
  EXPECT_EQ(response.text(), "chunk0;chunk1;chunk2;");
  EXPECT_FALSE(response.headers.contains("content-length"));
}

TEST(Responses, FileResponseSendsFileWithMetadata) {
  const std::string content(200000, 'z');
  const auto path = write_temp_file("file.txt", content);
  App app({.routes = {Route("/file", [path](Request&) -> awaitable<Response> { co_return FileResponse(path); }),
                      Route("/download", [path](Request&) -> awaitable<Response> {
                        co_return FileResponse(path, 200, {}, "", "report ü.csv");
                      })}});
  TestClient client(app);
  auto response = client.get("/file");
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(response.text(), content);
  EXPECT_EQ(response.headers.get("content-type", ""), "text/plain; charset=utf-8");
  EXPECT_EQ(response.headers.get("content-length", ""), std::to_string(content.size()));
  EXPECT_TRUE(response.headers.contains("last-modified"));
  EXPECT_TRUE(response.headers.contains("etag"));
  auto head = client.head("/file");
  EXPECT_EQ(head.text(), "");
  EXPECT_EQ(head.headers.get("content-length", ""), std::to_string(content.size()));
  auto download = client.get("/download");
  EXPECT_EQ(download.headers.get("content-type", ""), "text/csv; charset=utf-8");
  EXPECT_EQ(download.headers.get("content-disposition", ""), "attachment; filename*=utf-8''report%20%C3%BC.csv");
  std::filesystem::remove(path);
}

TEST(Responses, MissingFileIs404) {
  App app({.routes = {Route(
               "/file", [](Request&) -> awaitable<Response> { co_return FileResponse("/definitely/not/here.txt"); })}});
  TestClient client(app);
  EXPECT_EQ(client.get("/file").status_code, 404);
}

TEST(Responses, GuessMediaType) {
  EXPECT_EQ(guess_media_type("a/b.JSON"), "application/json");
  EXPECT_EQ(guess_media_type("x.unknownext"), "application/octet-stream");
}

TEST(EscapeHtml, WritesTheFiveSpecialCharactersAsReferencesAndKeepsTheRest) {
  EXPECT_EQ(escape_html("<a href=\"x\">Tom & Jerry's</a> \xe3\x83\x95"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt; \xe3\x83\x95");
  std::string page = "<td>";
  append_escaped_html(page, "<script>");
  EXPECT_EQ(page, "<td>&lt;script&gt;");
  EXPECT_EQ(escape_html(""), "");
}

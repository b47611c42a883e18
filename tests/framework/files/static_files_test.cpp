// StaticFiles and FileResponse in-process: content types and validators,
// html mode, every way out of the directory refused, 405, conditional
// requests (304) and single byte ranges (206, 416).
#include <starling/staticfiles.hpp>

#include <starling/application.hpp>
#include <starling/middleware/gzip.hpp>
#include <starling/testclient.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace starling;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

// site/            the public directory
//   index.html, 404.html, css/app.css, docs/index.html, inside-link → css/app.css, outside-link → ../secret.txt
// secret.txt       beside it: must never be served
class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root = fs::temp_directory_path() / ("starling-static-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root);
    write(root / "secret.txt", "top secret");
    write(site() / "index.html", "<h1>home</h1>");
    write(site() / "404.html", "<h1>lost</h1>");
    write(site() / "css" / "app.css", "body { color: black; }");
    write(site() / "docs" / "index.html", "<h1>docs</h1>");
    write(site() / "data.bin", "0123456789");
    fs::create_symlink(site() / "css" / "app.css", site() / "inside-link.css");
    fs::create_symlink(root / "secret.txt", site() / "outside-link.txt");
  }
  void TearDown() override { fs::remove_all(root); }

  fs::path site() const { return root / "site"; }

  App make_app(StaticFilesOptions options = {}) {
    return App({.routes = {Mount("/static", StaticFiles(site(), options), "static"),
                           Route("/download",
                                 [this](Request&) -> awaitable<Response> {
                                   co_return co_await FileResponse::open(site() / "data.bin", 200, {}, {},
                                                                         "report.bin");
                                 }),
                           Route("/missing", [this](Request&) -> awaitable<Response> {
                             co_return co_await FileResponse::open(site() / "nothing.bin");
                           })}});
  }

  fs::path root;
};

}  // namespace

TEST_F(StaticFilesTest, AFileComesWithItsTypeLengthAndValidators) {
  App app = make_app();
  TestClient client(app);
  const auto response = client.get("/static/css/app.css");
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(response.text(), "body { color: black; }");
  EXPECT_EQ(response.headers.get("content-type", ""), "text/css; charset=utf-8");
  EXPECT_EQ(response.headers.get("content-length", ""), "22");
  EXPECT_EQ(response.headers.get("accept-ranges", ""), "bytes");
  EXPECT_TRUE(response.headers.get("etag", "").starts_with("\""));
  EXPECT_TRUE(response.headers.get("last-modified", "").ends_with(" GMT"));
  const auto head = client.head("/static/css/app.css");
  EXPECT_EQ(head.status_code, 200);
  EXPECT_EQ(head.text(), "");
  EXPECT_EQ(head.headers.get("etag", ""), response.headers.get("etag", ""));
}

TEST_F(StaticFilesTest, OnlyGetAndHeadAreAnswered) {
  App app = make_app();
  TestClient client(app);
  const auto response = client.post("/static/css/app.css");
  EXPECT_EQ(response.status_code, 405);
  EXPECT_EQ(response.headers.get("allow", ""), "GET, HEAD");
}

TEST_F(StaticFilesTest, AMissingFileIs404) {
  App app = make_app();
  TestClient client(app);
  const auto response = client.get("/static/nope.css");
  EXPECT_EQ(response.status_code, 404);
  EXPECT_EQ(response.json(), (json{{"detail", "Not Found"}}));
  EXPECT_EQ(client.get("/static/docs/").status_code, 404);  // a directory, without html mode
}

TEST_F(StaticFilesTest, HtmlModeServesIndexPagesAnd404Html) {
  App app = make_app({.html = true});
  TestClient client(app);
  EXPECT_EQ(client.get("/static/").text(), "<h1>home</h1>");
  const auto redirect = client.get("/static/docs", {.follow_redirects = false});
  EXPECT_EQ(redirect.status_code, 307);
  EXPECT_EQ(redirect.headers.get("location", ""), "http://testserver/static/docs/");
  EXPECT_EQ(client.get("/static/docs/").text(), "<h1>docs</h1>");
  const auto lost = client.get("/static/nope.html");
  EXPECT_EQ(lost.status_code, 404);
  EXPECT_EQ(lost.text(), "<h1>lost</h1>");
  EXPECT_EQ(lost.headers.get("content-type", ""), "text/html; charset=utf-8");
}

TEST_F(StaticFilesTest, NothingOutsideTheDirectoryIsServed) {
  App app = make_app();
  TestClient client(app);
  for (const char* path :
       {"/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/%2E%2E%2Fsecret.txt",
        "/static/css/../../secret.txt", "/static/..%5csecret.txt", "/static/..\\secret.txt", "/static//etc/passwd",
        "/static/%2fetc%2fpasswd", "/static/outside-link.txt", "/static/css%00.css", "/static/./../secret.txt"}) {
    SCOPED_TRACE(path);
    const auto response = client.get(path, {.follow_redirects = false});
    EXPECT_EQ(response.status_code, 404);
    EXPECT_EQ(response.text().find("top secret"), std::string::npos);
  }
  EXPECT_EQ(client.get("/static/inside-link.css").status_code, 200);  // a link that stays inside is fine
  EXPECT_EQ(client.get("/static/./css//app.css").status_code, 200);
}

TEST_F(StaticFilesTest, FollowSymlinksLetsALinkLeadOut) {
  App app = make_app({.follow_symlinks = true});
  TestClient client(app);
  EXPECT_EQ(client.get("/static/outside-link.txt").text(), "top secret");
  EXPECT_EQ(client.get("/static/../secret.txt").status_code, 404);  // ".." is refused all the same
}

TEST_F(StaticFilesTest, AMissingDirectoryIsAnErrorNamingIt) {
  try {
    StaticFiles files(root / "missing");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("missing' does not exist"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(StaticFiles(root / "missing", {.check_dir = false}));
}

TEST_F(StaticFilesTest, UrlPathForBuildsPathsIntoTheMount) {
  App app = make_app();
  EXPECT_EQ(app.url_path_for("static", {{"path", "css/app.css"}}), "/static/css/app.css");
}

TEST_F(StaticFilesTest, AMatchingEtagOrDateIs304) {
  App app = make_app();
  TestClient client(app);
  const auto first = client.get("/static/css/app.css");
  const std::string etag = first.headers.get("etag", "");
  const std::string modified = first.headers.get("last-modified", "");
  for (const std::string& tags : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    SCOPED_TRACE(tags);
    const auto again = client.get("/static/css/app.css", {.headers = {{"if-none-match", tags}}});
    EXPECT_EQ(again.status_code, 304);
    EXPECT_EQ(again.text(), "");
    EXPECT_EQ(again.headers.get("etag", ""), etag);
    EXPECT_FALSE(again.headers.contains("content-type"));
  }
  EXPECT_EQ(client.get("/static/css/app.css", {.headers = {{"if-modified-since", modified}}}).status_code, 304);
  EXPECT_EQ(client.head("/static/css/app.css", {.headers = {{"if-none-match", etag}}}).status_code, 304);
  // Changed since, a tag that does not match, or a date that is not one: the file.
  EXPECT_EQ(client.get("/static/css/app.css", {.headers = {{"if-modified-since", "Thu, 01 Jan 1970 00:00:00 GMT"}}})
                .status_code,
            200);
  EXPECT_EQ(client.get("/static/css/app.css", {.headers = {{"if-none-match", "\"other\""}}}).status_code, 200);
  EXPECT_EQ(client.get("/static/css/app.css", {.headers = {{"if-modified-since", "yesterday"}}}).status_code, 200);
  // If-None-Match decides alone when both are sent.
  EXPECT_EQ(
      client.get("/static/css/app.css", {.headers = {{"if-none-match", "\"other\""}, {"if-modified-since", modified}}})
          .status_code,
      200);
}

TEST_F(StaticFilesTest, ASingleRangeIs206) {
  App app = make_app();
  TestClient client(app);
  const auto expect_range = [&](const std::string& range, const std::string& body, const std::string& content_range) {
    SCOPED_TRACE(range);
    const auto response = client.get("/static/data.bin", {.headers = {{"range", range}}});
    EXPECT_EQ(response.status_code, 206);
    EXPECT_EQ(response.text(), body);
    EXPECT_EQ(response.headers.get("content-range", ""), content_range);
    EXPECT_EQ(response.headers.get("content-length", ""), std::to_string(body.size()));
  };
  expect_range("bytes=0-3", "0123", "bytes 0-3/10");
  expect_range("bytes=7-", "789", "bytes 7-9/10");
  expect_range("bytes=-2", "89", "bytes 8-9/10");
  expect_range("bytes=5-100", "56789", "bytes 5-9/10");
  expect_range("bytes=-100", "0123456789", "bytes 0-9/10");
  expect_range("bytes= 2-2 ", "2", "bytes 2-2/10");
}

TEST_F(StaticFilesTest, AnUnsatisfiableRangeIs416) {
  App app = make_app();
  TestClient client(app);
  for (const char* range : {"bytes=10-", "bytes=10-20", "bytes=-0"}) {
    SCOPED_TRACE(range);
    const auto response = client.get("/static/data.bin", {.headers = {{"range", range}}});
    EXPECT_EQ(response.status_code, 416);
    EXPECT_EQ(response.headers.get("content-range", ""), "bytes */10");
    EXPECT_EQ(response.json(), (json{{"detail", "Range not satisfiable: the file has 10 bytes"}}));
  }
}

TEST_F(StaticFilesTest, RangesItCannotServeGiveTheWholeFile) {
  App app = make_app();
  TestClient client(app);
  for (const char* range : {"bytes=0-1,4-5", "bytes=abc", "items=0-1", "bytes=5-2", "bytes=", "bytes=-",
                            "bytes=99999999999999999999999-"}) {
    SCOPED_TRACE(range);
    const auto response = client.get("/static/data.bin", {.headers = {{"range", range}}});
    EXPECT_EQ(response.status_code, 200);
    EXPECT_EQ(response.text(), "0123456789");
  }
  // HEAD ignores Range.
  EXPECT_EQ(client.head("/static/data.bin", {.headers = {{"range", "bytes=0-1"}}}).status_code, 200);
}

TEST_F(StaticFilesTest, IfRangeSendsThePartOnlyWhileTheFileIsUnchanged) {
  App app = make_app();
  TestClient client(app);
  const auto first = client.get("/static/data.bin");
  const std::string etag = first.headers.get("etag", "");
  const std::string modified = first.headers.get("last-modified", "");
  const auto ranged = [&](const std::string& if_range) {
    return client.get("/static/data.bin", {.headers = {{"range", "bytes=0-1"}, {"if-range", if_range}}}).status_code;
  };
  EXPECT_EQ(ranged(etag), 206);
  EXPECT_EQ(ranged(modified), 206);
  EXPECT_EQ(ranged("\"stale\""), 200);
  EXPECT_EQ(ranged("W/" + etag), 200);  // If-Range compares strongly
  EXPECT_EQ(ranged("Thu, 01 Jan 1970 00:00:00 GMT"), 200);
}

TEST_F(StaticFilesTest, FileResponseFromAnEndpointAnswersTheSameWay) {
  App app = make_app();
  TestClient client(app);
  const auto whole = client.get("/download");
  EXPECT_EQ(whole.headers.get("content-disposition", ""), "attachment; filename=\"report.bin\"");
  EXPECT_EQ(client.get("/download", {.headers = {{"if-none-match", whole.headers.get("etag", "")}}}).status_code, 304);
  const auto part = client.get("/download", {.headers = {{"range", "bytes=2-3"}}});
  EXPECT_EQ(part.status_code, 206);
  EXPECT_EQ(part.text(), "23");
  // FileResponse::open opens on the worker pool, and fails there as the constructor would.
  const auto missing = client.get("/missing");
  EXPECT_EQ(missing.status_code, 404);
  EXPECT_EQ(missing.json()["detail"], "File not found: nothing.bin");
}

TEST_F(StaticFilesTest, UnderGZipA304AndA206StayUncompressed) {
  App app({.routes = {Mount("/static", StaticFiles(site()))}, .middleware = {GZipMiddleware({.minimum_size = 1})}});
  TestClient client(app);
  const Headers gzip{{"accept-encoding", "gzip"}};
  const auto whole = client.get("/static/data.bin", {.headers = gzip});
  EXPECT_EQ(whole.headers.get("content-encoding", ""), "gzip");
  Headers conditional = gzip;
  conditional.append("if-none-match", whole.headers.get("etag", ""));
  const auto unchanged = client.get("/static/data.bin", {.headers = conditional});
  EXPECT_EQ(unchanged.status_code, 304);
  EXPECT_FALSE(unchanged.headers.contains("content-encoding"));
  Headers ranged = gzip;
  ranged.append("range", "bytes=0-3");
  const auto part = client.get("/static/data.bin", {.headers = ranged});
  EXPECT_EQ(part.status_code, 206);
  EXPECT_EQ(part.text(), "0123");
  EXPECT_FALSE(part.headers.contains("content-encoding"));
}

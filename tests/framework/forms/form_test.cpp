// Request::form() in-process: urlencoded and multipart bodies, files in memory
// or spooled to an unnamed temporary file that closes when the request ends,
// the limits, and the TestClient's `files`.
#include <starling/forms.hpp>

#include <starling/application.hpp>
#include <starling/testclient.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

using namespace starling;

namespace {

// Temporary files this process holds open: unnamed ones (O_TMPFILE) and
// unlinked named ones show in /proc/self/fd as "<dir>/... (deleted)".
int open_temporary_files() {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const auto target = std::filesystem::read_symlink(entry.path(), ec).string();
    if (!ec && target.ends_with("(deleted)")) ++count;
  }
  return count;
}

int temporaries_during_request = -1;

json describe(const FormData& form) {
  json fields = json::object();
  for (const auto& [key, value] : form) fields[key].push_back(value);
  json files = json::array();
  for (const auto& [name, file] : form.files()) {
    file->seek(0);
    files.push_back({{"field", name},
                     {"filename", file->filename()},
                     {"content_type", file->content_type()},
                     {"size", file->size()},
                     {"in_memory", file->in_memory()},
                     {"content", file->size() <= 100 ? file->read() : file->read(10)}});
  }
  return {{"fields", fields}, {"files", files}};
}

awaitable<Response> show_form(Request& request) {
  const FormData form = co_await request.form();
  temporaries_during_request = open_temporary_files();
  const FormData again = co_await request.form();  // kept: the same files, not a second parse
  const bool same = form.files().size() == again.files().size() &&
                    (form.files().empty() || form.files()[0].second == again.files()[0].second);
  json answer = describe(form);
  answer["same"] = same;
  co_return JSONResponse(answer);
}

awaitable<Response> strict_form(Request& request) {
  FormLimits limits;
  limits.max_fields = 2;
  limits.max_files = 1;
  limits.max_part_size = 10;
  limits.spool_threshold = 100;
  const FormData form = co_await request.form(limits);
  co_return JSONResponse(describe(form));
}

App make_app() {
  return App({.routes = {Route("/form", show_form, {"POST"}).max_body_size(64 * 1024 * 1024),
                         Route("/strict", strict_form, {"POST"})}});
}

}  // namespace

TEST(Forms, UrlencodedFieldsAreRead) {
  App app = make_app();
  TestClient client(app);
  const auto seen = client.post("/form", {.form = MultiDict{{"a", "1"}, {"b", "x y"}, {"a", "2"}}}).json();
  EXPECT_EQ(seen["fields"], (json{{"a", {"1", "2"}}, {"b", {"x y"}}}));
  EXPECT_EQ(seen["files"], json::array());
}

TEST(Forms, MultipartFieldsAndFilesAreRead) {
  App app = make_app();
  TestClient client(app);
  const auto seen = client
                        .post("/form", {.form = MultiDict{{"title", "Groceries"}},
                                        .files = {{"upload", {"list.csv", "text\nmilk\n", "text/csv"}},
                                                  {"upload", {"b.bin", std::string("\0\r\n--", 5)}}}})
                        .json();
  EXPECT_EQ(seen["fields"], (json{{"title", {"Groceries"}}}));
  ASSERT_EQ(seen["files"].size(), 2u);
  EXPECT_EQ(seen["files"][0], (json{{"field", "upload"},
                                    {"filename", "list.csv"},
                                    {"content_type", "text/csv"},
                                    {"size", 10},
                                    {"in_memory", true},
                                    {"content", "text\nmilk\n"}}));
  EXPECT_EQ(seen["files"][1]["content"], std::string("\0\r\n--", 5));
  EXPECT_EQ(seen["files"][1]["content_type"], "application/octet-stream");
  EXPECT_EQ(seen["same"], true);
}

TEST(Forms, ALargeFileIsSpooledToATemporaryFileClosedWhenTheRequestEnds) {
  App app = make_app();
  TestClient client(app);
  const int before = open_temporary_files();
  const std::string big(5 * 1024 * 1024, 'b');
  const auto seen = client.post("/form", {.files = {{"f", {"big.bin", big}}}}).json();
  EXPECT_EQ(seen["files"][0]["size"], big.size());
  EXPECT_EQ(seen["files"][0]["in_memory"], false);
  EXPECT_EQ(seen["files"][0]["content"], std::string(10, 'b'));
  EXPECT_EQ(temporaries_during_request, before + 1);
  EXPECT_EQ(open_temporary_files(), before);
}

TEST(Forms, LimitsGiveAnAnswerNamingThem) {
  App app = make_app();
  TestClient client(app);
  auto answer = client.post("/strict", {.form = MultiDict{{"a", "1"}, {"b", "2"}, {"c", "3"}}});
  EXPECT_EQ(answer.status_code, 400);
  EXPECT_EQ(answer.json()["detail"], "Too many fields in the form: limit is 2");
  answer =
      client.post("/strict", {.form = MultiDict{{"a", "1"}, {"b", "2"}, {"c", "3"}}, .files = {{"f", {"f.txt", "x"}}}});
  EXPECT_EQ(answer.json()["detail"], "Too many fields in the form: limit is 2");
  answer = client.post("/strict", {.files = {{"f", {"1.txt", "x"}}, {"f", {"2.txt", "y"}}}});
  EXPECT_EQ(answer.status_code, 400);
  EXPECT_EQ(answer.json()["detail"], "Too many files in the form: limit is 1");
  answer = client.post("/strict", {.form = MultiDict{{"a", std::string(11, 'a')}}, .files = {{"f", {"f", "x"}}}});
  EXPECT_EQ(answer.status_code, 413);
  EXPECT_EQ(answer.json()["detail"], "Form field 'a' too large: limit is 10 bytes");
  answer = client.post("/strict", {.files = {{"f", {"f.txt", std::string(200, 'x')}}}});
  EXPECT_EQ(answer.json()["files"][0]["in_memory"], false);  // past the 100-byte threshold
}

TEST(Forms, TheBodyLimitBoundsUploads) {
  App app = make_app();
  TestClient client(app);
  const auto answer = client.post("/strict", {.files = {{"f", {"f.txt", std::string(2 * 1024 * 1024, 'x')}}}});
  EXPECT_EQ(answer.status_code, 413);
  EXPECT_EQ(answer.json()["detail"], "Request body too large: limit is 1048576 bytes");
}

TEST(Forms, OtherContentTypesAre415AndMalformedBodies400) {
  App app = make_app();
  TestClient client(app);
  auto answer = client.post("/form", {.data = "{}", .headers = {{"content-type", "application/json"}}});
  EXPECT_EQ(answer.status_code, 415);
  EXPECT_EQ(answer.json()["detail"],
            "Unsupported form content type 'application/json': expected application/x-www-form-urlencoded or "
            "multipart/form-data");
  answer = client.post("/form", {.data = "--b\r\n", .headers = {{"content-type", "multipart/form-data"}}});
  EXPECT_EQ(answer.status_code, 400);
  EXPECT_EQ(answer.json()["detail"], "Malformed multipart body: the Content-Type names no boundary");
  answer = client.post("/form", {.data = "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nunfinished",
                                 .headers = {{"content-type", "multipart/form-data; boundary=b"}}});
  EXPECT_EQ(answer.status_code, 400);
  EXPECT_EQ(answer.json()["detail"], "Malformed multipart body: it ends before the closing boundary");
}

TEST(Forms, RandomBytesNeverCrashTheParser) {
  App app = make_app();
  TestClient client(app);
  std::mt19937 random(7);
  const std::string alphabet = "-\r\nb: ;=\"abcContent-Disposition form-data name filename";
  for (int i = 0; i < 300; ++i) {
    std::string body = i % 2 ? "--b\r\n" : "";
    const auto length = random() % 300;
    for (std::size_t j = 0; j < length; ++j) body += alphabet[random() % alphabet.size()];
    const auto answer =
        client.post("/form", {.data = body, .headers = {{"content-type", "multipart/form-data; boundary=b"}}});
    EXPECT_TRUE(answer.status_code == 200 || answer.status_code == 400) << answer.status_code << " for " << body;
  }
}

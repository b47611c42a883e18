// Forms over real sockets, from real clients: curl -F with fields and files,
// the limits and a malformed body answered over the wire, and a 200 MiB
// multipart upload that takes little of the server's memory.
#include <starling/forms.hpp>

#include "support/run_command.hpp"
#include "support/test_server.hpp"

#include <starling/application.hpp>

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <filesystem>
#include <fstream>

using namespace starling;
using starling::test::run_command;
using starling::test::TestServer;

namespace {

// FNV-1a, to compare what was sent with what arrived without keeping either.
std::uint64_t fnv1a(std::string_view data, std::uint64_t hash = 14695981039346656037ull) {
  for (const unsigned char c : data) hash = (hash ^ c) * 1099511628211ull;
  return hash;
}

awaitable<Response> describe(Request& request) {
  const FormData form = co_await request.form();
  json files = json::array();
  for (const auto& [name, file] : form.files()) {
    std::uint64_t hash = 14695981039346656037ull;
    file->seek(0);
    for (std::string piece = file->read(65536); !piece.empty(); piece = file->read(65536)) hash = fnv1a(piece, hash);
    files.push_back({{"field", name},
                     {"filename", file->filename()},
                     {"content_type", file->content_type()},
                     {"size", file->size()},
                     {"in_memory", file->in_memory()},
                     {"hash", std::to_string(hash)}});
  }
  json fields = json::object();
  for (const auto& [key, value] : form) fields[key] = value;
  co_return JSONResponse({{"fields", fields}, {"files", files}});
}

awaitable<Response> strict(Request& request) {
  FormLimits limits;
  limits.max_fields = 2;
  limits.max_files = 1;
  limits.max_part_size = 10;
  const FormData form = co_await request.form(limits);
  std::size_t fields = 0;
  for ([[maybe_unused]] const auto& field : form) ++fields;
  co_return JSONResponse({{"fields", fields}});
}

App make_app() {
  return App({.routes = {Route("/upload", describe, {"POST"}).max_body_size(std::size_t{1} << 30),
                         Route("/strict", strict, {"POST"}).max_body_size(64 * 1024)}});
}

std::filesystem::path write_file(const std::string& name, const std::string& content) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

}  // namespace

TEST(ServerForms, CurlSendsFieldsAndFiles) {
  App app = make_app();
  TestServer server(app);
  std::string content;
  for (int i = 0; i < 300000; ++i) content += static_cast<char>(i * 7 % 256);  // binary, past the threshold
  const auto big = write_file("starling-curl-upload.bin", content);
  const auto small = write_file("starling-curl-notes.csv", "text,completed\nmilk,false\n");
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/upload";
  const auto output = run_command("curl -s -F title=Groceries -F 'note=two words' -F 'big=@" + big.string() +
                                  "' -F 'csv=@" + small.string() + ";type=text/csv' " + url);
  std::filesystem::remove(big);
  std::filesystem::remove(small);
  const auto answer = json::parse(output);
  EXPECT_EQ(answer["fields"], (json{{"title", "Groceries"}, {"note", "two words"}}));
  ASSERT_EQ(answer["files"].size(), 2u);
  EXPECT_EQ(answer["files"][0]["filename"], "starling-curl-upload.bin");
  EXPECT_EQ(answer["files"][0]["size"], content.size());
  EXPECT_EQ(answer["files"][0]["in_memory"], true);  // 300 KB: under the 1 MiB threshold
  EXPECT_EQ(answer["files"][0]["hash"], std::to_string(fnv1a(content)));
  EXPECT_EQ(answer["files"][1]["content_type"], "text/csv");
  EXPECT_EQ(answer["files"][1]["size"], 26);
}

TEST(ServerForms, LimitsAndMalformedBodiesAreAnsweredOverTheWire) {
  App app = make_app();
  TestServer server(app);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/strict";
  const auto curl = [&](const std::string& arguments) {
    return run_command("curl -s -w ' %{http_code}' " + arguments + " " + url);
  };
  EXPECT_EQ(curl("-F a=1 -F b=2 -F c=3"), R"({"detail":"Too many fields in the form: limit is 2"} 400)");
  EXPECT_EQ(curl("-F a=12345678901"), R"({"detail":"Form field 'a' too large: limit is 10 bytes"} 413)");
  const auto file = write_file("starling-curl-limit.bin", std::string(100 * 1024, 'x'));
  EXPECT_EQ(curl("-F 'f=@" + file.string() + "'"), R"({"detail":"Request body too large: limit is 65536 bytes"} 413)");
  std::filesystem::remove(file);
  // A part that never ends, from a raw socket: a 400, and the connection serves on.
  auto connection = server.connect();
  const std::string body = "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nunfinished";
  const auto response = connection.request(
      "POST /strict HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; "
      "boundary=b\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(json::parse(response.body)["detail"].get<std::string>().find("Malformed multipart body"), std::string::npos)
      << response.body;
  EXPECT_EQ(curl("-F a=1"), R"({"fields":1} 200)");
}

TEST(ServerForms, ALargeUploadTakesLittleMemory) {
  App app = make_app();
  TestServer server(app);
  constexpr std::size_t kSize = 200 * 1024 * 1024;
  const auto path = std::filesystem::temp_directory_path() / "starling-large-upload.bin";
  {
    std::ofstream file(path, std::ios::binary);
    const std::string block(1024 * 1024, 'L');
    for (std::size_t written = 0; written < kSize; written += block.size()) file << block;
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const long before = usage.ru_maxrss;
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/upload";
  const auto output = run_command("curl -s -F 'f=@" + path.string() + "' " + url);
  std::filesystem::remove(path);
  const auto answer = json::parse(output);
  EXPECT_EQ(answer["files"][0]["size"], kSize);
  EXPECT_EQ(answer["files"][0]["in_memory"], false);
#if !defined(__SANITIZE_ADDRESS__)
  // 200 MiB arrived through curl (another process); the server's peak grew by
  // a small part of it. (ASan's quarantine keeps freed pieces: no bound there.)
  getrusage(RUSAGE_SELF, &usage);
  EXPECT_LT(usage.ru_maxrss - before, 16 * 1024) << "peak RSS grew by " << usage.ru_maxrss - before << " KiB";
#else
  (void)before;
#endif
}

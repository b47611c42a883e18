// Static files over a real socket, from curl: whole files, HEAD, byte ranges,
// conditional requests and a traversal attempt curl does not normalise.
#include <starling/staticfiles.hpp>

#include "support/run_command.hpp"
#include "support/test_server.hpp"

#include <starling/application.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace starling;
using starling::test::run_command;
using starling::test::TestServer;
namespace fs = std::filesystem;

namespace {

class ServerFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    root = fs::temp_directory_path() / ("starling-served-" + std::to_string(::getpid()));
    fs::create_directories(root / "site");
    std::ofstream(root / "secret.txt") << "top secret";
    std::ofstream file(root / "site" / "big.bin", std::ios::binary);
    for (int i = 0; i < 3 * 1024 * 1024; ++i) content += static_cast<char>('a' + i % 26);
    file << content;
  }
  void TearDown() override { fs::remove_all(root); }

  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port) + path; }

  fs::path root;
  std::string content;
  std::uint16_t port = 0;
};

}  // namespace

TEST_F(ServerFiles, CurlGetsWholeFilesRangesAnd304s) {
  App app({.routes = {Mount("/static", StaticFiles(root / "site"))}});
  TestServer server(app);
  port = server.port();
  EXPECT_EQ(run_command("curl -s " + url("/static/big.bin")), content);

  const auto head = run_command("curl -s -I " + url("/static/big.bin"));
  EXPECT_NE(head.find("HTTP/1.1 200 OK"), std::string::npos) << head;
  EXPECT_NE(head.find("Content-Length: 3145728"), std::string::npos) << head;
  EXPECT_NE(head.find("accept-ranges: bytes"), std::string::npos) << head;

  EXPECT_EQ(run_command("curl -s -r 100-109 " + url("/static/big.bin")), content.substr(100, 10));
  EXPECT_EQ(run_command("curl -s -r -5 " + url("/static/big.bin")), content.substr(content.size() - 5));
  const auto ranged = run_command("curl -s -o /dev/null -D - -r 0-0 " + url("/static/big.bin"));
  EXPECT_NE(ranged.find("HTTP/1.1 206 Partial Content"), std::string::npos) << ranged;
  EXPECT_NE(ranged.find("content-range: bytes 0-0/3145728"), std::string::npos) << ranged;
  const auto beyond = run_command("curl -s -o /dev/null -w '%{http_code}' -r 4000000- " + url("/static/big.bin"));
  EXPECT_EQ(beyond, "416");

  // The tag from the first answer, sent back: 304 and no body.
  const auto etag_line = head.substr(head.find("etag: ") + 6);
  const auto etag = etag_line.substr(0, etag_line.find('\r'));
  EXPECT_EQ(run_command("curl -s -o /dev/null -w '%{http_code} %{size_download}' -H 'If-None-Match: " + etag + "' " +
                        url("/static/big.bin")),
            "304 0");
  // curl -z sends If-Modified-Since from a file's date: the served file's own.
  EXPECT_EQ(run_command("curl -s -o /dev/null -w '%{http_code}' -z " + (root / "site" / "big.bin").string() + " " +
                        url("/static/big.bin")),
            "304");
}

TEST_F(ServerFiles, PathsThatLeaveTheDirectoryAre404OverTheWire) {
  fs::create_symlink(root / "secret.txt", root / "site" / "link.txt");  // leads out
  fs::create_directory_symlink(root, root / "site" / "up");
  App app({.routes = {Mount("/static", StaticFiles(root / "site"))}});
  TestServer server(app);
  port = server.port();
  const std::string absolute = "/static/" + (root / "secret.txt").string();  // "/static//tmp/.../secret.txt"
  for (const std::string& path :
       {std::string("/static/../secret.txt"), std::string("/static/%2e%2e/secret.txt"),
        std::string("/static/..%2fsecret.txt"), std::string("/static/..%5csecret.txt"), std::string("/static/link.txt"),
        std::string("/static/up/secret.txt"), absolute, "/static/%2f" + (root / "secret.txt").string().substr(1)}) {
    SCOPED_TRACE(path);
    // --path-as-is: curl would otherwise squash the dots before sending.
    EXPECT_EQ(run_command(std::string("curl -s --path-as-is -o /dev/null -w '%{http_code}' ") + url(path)), "404");
  }
}

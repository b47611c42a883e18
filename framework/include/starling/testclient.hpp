#pragma once
/// @file testclient.hpp
/// Drives an App in-process, without sockets, through the same middleware,
/// routing and error handling as the server.

#include <starling/datastructures.hpp>
#include <starling/types.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace starling {

/// A file in `RequestOptions::files`, sent as one part of a multipart/form-data body.
struct FilePart {
  std::string filename;
  std::string content;
  std::string content_type = "application/octet-stream";
};

/// Per-request options: `client.post("/notes", {.json = {{"text", "x"}}})`.
struct RequestOptions {
  std::optional<nlohmann::json> json;  ///< sent as application/json
  std::optional<std::string> data;     ///< a raw body (Content-Type from headers)
  std::optional<MultiDict> form;       ///< sent as x-www-form-urlencoded (multipart with `files`)
  /// Field name → file: the body becomes multipart/form-data, with `form`'s fields first.
  std::vector<std::pair<std::string, FilePart>> files;
  Headers headers;
  QueryParams params;
  std::map<std::string, std::string> cookies;
  std::optional<bool> follow_redirects;  ///< overrides the client's setting
};

/// What TestClient returns.
struct TestResponse {
  int status_code = 0;
  Headers headers;
  std::string content;  ///< the whole body, streamed bodies joined
  std::string url;      ///< the URL finally answered (after redirects)

  const std::string& text() const { return content; }
  /// @throws std::runtime_error naming the body when it is not JSON.
  nlohmann::json json() const;
};

struct TestClientOptions {
  std::string base_url = "http://testserver";
  bool raise_server_exceptions = true;
  bool follow_redirects = true;
  std::string client_host = "testclient";
};

/// `TestClient client(app);` runs the startup hooks; its destructor runs the
/// shutdown hooks (Starlette's `with TestClient(app) as client:`).
class TestClient {
 public:
  explicit TestClient(App& app, TestClientOptions options = {});
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  /// Sends a request. An unhandled endpoint exception is rethrown here when
  /// `raise_server_exceptions` is on.
  TestResponse request(std::string_view method, std::string_view url, const RequestOptions& options = {});
  TestResponse get(std::string_view url, const RequestOptions& options = {});
  TestResponse post(std::string_view url, const RequestOptions& options = {});
  TestResponse put(std::string_view url, const RequestOptions& options = {});
  TestResponse patch(std::string_view url, const RequestOptions& options = {});
  TestResponse delete_(std::string_view url, const RequestOptions& options = {});
  TestResponse head(std::string_view url, const RequestOptions& options = {});
  TestResponse options(std::string_view url, const RequestOptions& options = {});

  /// Cookies kept across requests (name → value).
  std::map<std::string, std::string>& cookies();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace starling

#pragma once
/// @file testclient.hpp
/// Drives an App in-process, without sockets, through the same middleware,
/// routing and error handling as the server.

#include <starling/datastructures.hpp>
#include <starling/types.hpp>
#include <starling/websockets.hpp>

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

/// The app answered a WebSocket handshake over HTTP instead of accepting it
/// (404, 403, 500...). A refusal by close() is a WebSocketDisconnect instead.
class WebSocketDenied : public std::runtime_error {
 public:
  explicit WebSocketDenied(TestResponse response);
  const TestResponse& response() const { return response_; }

 private:
  TestResponse response_;
};

/// One WebSocket connection to the app, driven in-process (Starlette's
/// `with client.websocket_connect(url) as websocket:`). Receiving runs the app
/// until it sends something; the destructor closes (1000) if still open.
class WebSocketTestSession {
 public:
  struct State;
  explicit WebSocketTestSession(std::shared_ptr<State> state);
  WebSocketTestSession(WebSocketTestSession&&) noexcept;
  WebSocketTestSession& operator=(WebSocketTestSession&&) = delete;
  ~WebSocketTestSession();

  void send_text(std::string_view text);
  void send_bytes(std::string_view data);
  void send_json(const nlohmann::json& value);
  /// The app's next message. @throws WebSocketDisconnect (with the app's close
  /// code) once the app closed; std::runtime_error when it sends nothing within 10 s.
  WebSocketMessage receive();
  std::string receive_text();
  std::string receive_bytes();
  nlohmann::json receive_json();
  /// Closes from the client side and waits for the endpoint to end.
  void close(int code = close_code::normal, std::string_view reason = "");

  /// What the app accepted with: its subprotocol and extra headers.
  const std::string& subprotocol() const;
  const Headers& accept_headers() const;

 private:
  std::shared_ptr<State> state_;  // shared with the endpoint's coroutine
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

  /// Opens a WebSocket to the app. `subprotocols` are offered in order.
  /// @throws WebSocketDisconnect when the endpoint closes before accepting;
  ///         WebSocketDenied when the app answers over HTTP (no route, origin, host).
  WebSocketTestSession websocket_connect(std::string_view url, const RequestOptions& options = {},
                                         const std::vector<std::string>& subprotocols = {});

  /// Cookies kept across requests (name → value).
  std::map<std::string, std::string>& cookies();

 private:
  friend class WebSocketTestSession;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace starling

#pragma once
/// @file request.hpp
/// The incoming request, as endpoints see it.

#include <starling/convertors.hpp>
#include <starling/datastructures.hpp>
#include <starling/forms.hpp>
#include <starling/path_args.hpp>
#include <starling/types.hpp>

#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace starling {

class BaseUser;
struct AuthCredentials;

namespace detail {
struct RequestAccess;    // what the server, the router and the app set on a request
struct RequestScope;     // the session, user and scopes that middleware set
class ClientConnection;  // the connection a request came on
class WebSocketChannel;  // what a WebSocket handshake would be upgraded to
}  // namespace detail

/// The largest request body an app accepts unless told otherwise (AppOptions, Route).
inline constexpr std::size_t kDefaultMaxBodySize = 1024 * 1024;

/// Path parameters matched by a route, typed by their convertor.
class PathParams {
 public:
  struct Param {
    std::string name;
    std::string value;  ///< percent-decoded text
    Convertor convertor = Convertor::str;
  };

  /// The text of a parameter. @throws std::out_of_range naming it.
  const std::string& operator[](std::string_view name) const;
  /// The parameter converted to `T` (std::string, integers, double).
  /// @throws std::out_of_range naming a missing one, std::invalid_argument on a bad value.
  template <class T>
  T get(std::string_view name) const;
  bool contains(std::string_view name) const;

  void add(std::string name, std::string value, Convertor convertor);
  const std::vector<Param>& items() const { return items_; }
  std::size_t size() const { return items_.size(); }

 private:
  const Param& find(std::string_view name) const;
  std::vector<Param> items_;
};

template <>
std::string PathParams::get<std::string>(std::string_view) const;
template <>
long long PathParams::get<long long>(std::string_view) const;
template <>
long PathParams::get<long>(std::string_view) const;
template <>
int PathParams::get<int>(std::string_view) const;
template <>
double PathParams::get<double>(std::string_view) const;

/// What the server (or TestClient) hands to the App to build a Request.
struct RequestParts {
  std::string method = "GET";
  std::string target = "/";  ///< origin-form or absolute-form, as sent
  int version = 11;          ///< 10 or 11
  Headers headers;
  std::string body;  ///< the whole body, unless `body_pending`
  Address client;
  std::string scheme = "http";
  /// Set by the server; it outlives the Request.
  detail::ClientConnection* connection = nullptr;
  /// The body is still arriving on `connection` (and `body` is empty).
  bool body_pending = false;
  /// Set by the server or TestClient for a WebSocket handshake it can upgrade.
  std::shared_ptr<detail::WebSocketChannel> websocket;
};

/// An HTTP request. Endpoints get it as `Request&`; it outlives the endpoint call.
class Request {
 public:
  Request() : Request(RequestParts{}) {}
  explicit Request(RequestParts parts);

  std::string_view method() const { return method_; }
  const URL& url() const { return url_; }
  /// The percent-decoded path, e.g. `/notes/3`.
  const std::string& path() const { return url_.path; }
  int http_version() const { return version_; }
  const Headers& headers() const { return headers_; }
  /// The Content-Type without its parameters, lower case: "application/json"
  /// for "Application/JSON; charset=utf-8"; "" when there is none.
  std::string media_type() const;
  const QueryParams& query_params() const;
  /// Cookies sent by the client (name → value).
  const std::map<std::string, std::string>& cookies() const;
  const PathParams& path_params() const { return path_params_; }
  const Address& client() const { return client_; }
  /// The path template of the route that matched, e.g. `/notes/{id:int}` (for
  /// an app under a Mount, the mount's `/static/{path:path}`); empty before
  /// routing or when no route matched. Metrics and logs label by it: unlike
  /// the path, it takes few values.
  std::string_view route_path() const { return route_path_ ? std::string_view(*route_path_) : std::string_view{}; }
  /// The id RequestIDMiddleware gave this request (the client's `X-Request-ID`
  /// or a new one); empty without that middleware.
  std::string_view request_id() const;

  /// The raw body, read whole (and kept: later calls return it again).
  /// @throws HTTPException 413 past max_body_size(), 400 for a malformed chunked
  ///         body; ClientDisconnect when the client leaves or stalls.
  /// @throws std::logic_error after stream() consumed the body.
  awaitable<std::string_view> body();
  /// The next piece of the body as it arrives, or nullopt at its end. Pieces are
  /// not kept, so a large upload takes little memory:
  ///   `while (auto chunk = co_await request.stream()) file.write(*chunk);`
  /// After body() it yields the kept body. Throws as body() does.
  awaitable<std::optional<std::string>> stream();
  /// The body limit for this request: the app's, the route's, or what an
  /// endpoint set before reading. Checked against Content-Length before reading.
  std::size_t max_body_size() const { return max_body_size_; }
  void set_max_body_size(std::size_t bytes) { max_body_size_ = bytes; }
  /// Whether the client has closed the connection (always false in the TestClient).
  bool is_disconnected() const;
  /// Whether this is a WebSocket handshake (routed to WebSocketRoutes only).
  bool is_websocket() const { return websocket_ != nullptr; }
  /// The body parsed as JSON. @throws HTTPException 400 naming the parse error.
  awaitable<nlohmann::json> json();
  /// The body as a form: `application/x-www-form-urlencoded` fields, or
  /// `multipart/form-data` fields and files (read as it arrives; files past
  /// `limits.spool_threshold` go to a temporary file). Kept: later calls return it again.
  /// @throws HTTPException 415 for another content type, 400 for a malformed body or
  ///         too many fields or files, 413 past a size limit; each names the problem.
  awaitable<FormData> form(FormLimits limits = {});

  /// Per-request values for middleware and endpoints; what the app's state
  /// holds (set at startup or in the lifespan) reads through it.
  State& state() { return state_; }

  /// The session (a JSON object) loaded by SessionMiddleware; what an endpoint
  /// changes goes back in the cookie.
  /// @throws std::logic_error when no SessionMiddleware is installed.
  starling::json& session();
  /// The user found by AuthenticationMiddleware's backend (UnauthenticatedUser
  /// when it found none). @throws std::logic_error without the middleware.
  const BaseUser& user() const;
  /// The scopes granted with the user ("authenticated", ...).
  /// @throws std::logic_error without AuthenticationMiddleware.
  const AuthCredentials& auth() const;

  /// The app serving this request (set by App::handle), or null.
  App* app() const { return app_; }

  /// The absolute URL of the route called `name`: this request's scheme and
  /// host (as ProxyHeadersMiddleware corrected them behind a proxy) and the
  /// route's path, e.g. `https://notes.example/notes/3`.
  /// @throws NoMatchFound as App::url_path_for; std::logic_error outside an App.
  std::string url_for(std::string_view name, const PathArgs& params = {}) const;
  /// `scheme://host[:port]/` of this request.
  std::string base_url() const;

 private:
  friend struct detail::RequestAccess;
  std::string method_;
  URL url_;
  int version_;
  Headers headers_;
  enum class BodyState : std::uint8_t { unread, streaming, kept, consumed };
  void check_body_size(std::uint64_t size) const;
  awaitable<std::optional<std::string>> next_piece();

  std::string body_;  // the whole body, unless body_pending_
  detail::ClientConnection* connection_;
  bool body_pending_;
  std::shared_ptr<detail::WebSocketChannel> websocket_;
  std::size_t max_body_size_ = kDefaultMaxBodySize;
  std::uint64_t body_received_ = 0;
  std::size_t stream_offset_ = 0;  // how much of body_ stream() has yielded
  BodyState body_state_ = BodyState::unread;
  Address client_;
  PathParams path_params_;
  const std::string* route_path_ = nullptr;  // the router's, which outlives the request
  State state_;
  // What session, authentication and request-id middleware set; one pointer, null until
  // one of them runs, so a request that uses neither carries one word for them.
  std::shared_ptr<detail::RequestScope> scope_;
  App* app_ = nullptr;
  std::shared_ptr<FormData> form_;
  mutable std::unique_ptr<QueryParams> query_params_;
  mutable std::unique_ptr<std::map<std::string, std::string>> cookies_;
  // Set by the app when it answered 500 for an unhandled exception; the
  // TestClient rethrows it when `raise_server_exceptions` is on.
  std::exception_ptr unhandled_exception_;
};

}  // namespace starling

#pragma once
/// @file request.hpp
/// The incoming request, as endpoints see it.

#include <starling/convertors.hpp>
#include <starling/datastructures.hpp>
#include <starling/types.hpp>

#include <exception>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace starling {

namespace detail {
struct RequestAccess;  // what the server, the router and the app set on a request
}  // namespace detail

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
  std::string body;
  Address client;
  std::string scheme = "http";
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

  /// The raw body.
  awaitable<std::string_view> body();
  /// The body parsed as JSON. @throws HTTPException 400 naming the parse error.
  awaitable<nlohmann::json> json();
  /// The body as `application/x-www-form-urlencoded` fields.
  /// @throws HTTPException 415 for any other content type.
  awaitable<FormData> form();

  /// Per-request values for middleware and endpoints.
  State& state() { return state_; }

  /// The app serving this request (set by App::handle), or null.
  App* app() const { return app_; }

 private:
  friend struct detail::RequestAccess;
  std::string method_;
  URL url_;
  int version_;
  Headers headers_;
  std::string body_;
  Address client_;
  PathParams path_params_;
  State state_;
  App* app_ = nullptr;
  mutable std::unique_ptr<QueryParams> query_params_;
  mutable std::unique_ptr<std::map<std::string, std::string>> cookies_;
  // Set by the app when it answered 500 for an unhandled exception; the
  // TestClient rethrows it when `raise_server_exceptions` is on.
  std::exception_ptr unhandled_exception_;
};

}  // namespace starling

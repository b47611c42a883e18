#pragma once
/// @file responses.hpp
/// Responses: plain, text, HTML, JSON, redirect, streaming and file.

#include <starling/background.hpp>
#include <starling/datastructures.hpp>
#include <starling/types.hpp>

#include <chrono>
#include <concepts>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

namespace starling {

/// A body produced piece by piece. The server asks for the next chunk only once
/// the previous one is written, so a slow client slows the producer (backpressure).
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  /// The next chunk, or nullopt at the end.
  virtual awaitable<std::optional<std::string>> next() = 0;
  /// The total length when known in advance (sent as Content-Length, not chunked).
  virtual std::optional<std::uint64_t> length() const { return std::nullopt; }
  /// Called with the request before the response leaves the app (by App::handle,
  /// after the middleware, and first by middleware that rewrites the body, as GZip
  /// does): a file answers conditional and range requests here (304, 206, 416).
  /// A second call must change nothing more.
  virtual void prepare(const Request& request, Response& response) {
    (void)request;
    (void)response;
  }
};

/// Returns the next chunk, or nullopt at the end.
using ChunkSource = std::function<awaitable<std::optional<std::string>>()>;

/// Options of Response::set_cookie, as in Starlette.
struct CookieOptions {
  std::optional<long> max_age;  ///< seconds
  std::optional<std::chrono::system_clock::time_point> expires;
  std::string path = "/";
  std::string domain;
  bool secure = false;
  bool httponly = false;
  std::string samesite = "lax";  ///< "lax", "strict", "none" or "" to omit
};

/// An HTTP response. Its fields are public, as in Starlette, so middleware can edit them.
class Response {
 public:
  Response() = default;
  /// `media_type` sets Content-Type (text types get `; charset=utf-8`).
  explicit Response(std::string content, int status_code = 200, Headers headers = {}, std::string_view media_type = {});

  int status_code = 200;
  Headers headers;
  std::string body;
  /// Set for streaming and file responses; `body` is then unused.
  std::shared_ptr<BodyStream> stream;
  /// Run once the response is sent (see BackgroundTasks).
  BackgroundTasks background;

  /// Adds a Set-Cookie header.
  /// @throws std::invalid_argument when a part holds `;`, `,`, a space, a quote, a
  ///         backslash or a control character (it could inject attributes).
  void set_cookie(std::string_view key, std::string_view value = "", const CookieOptions& options = {});
  /// Adds a Set-Cookie header that expires the cookie now.
  void delete_cookie(std::string_view key, std::string_view path = "/", std::string_view domain = "");

  /// Sets Content-Type from a media type (adds the charset for text types).
  void set_media_type(std::string_view media_type);
};

/// `text/plain; charset=utf-8`.
class PlainTextResponse : public Response {
 public:
  explicit PlainTextResponse(std::string content, int status_code = 200, Headers headers = {});
};

/// `text/html; charset=utf-8`. Text put into the page goes through escape_html.
class HTMLResponse : public Response {
 public:
  explicit HTMLResponse(std::string content, int status_code = 200, Headers headers = {});
};

/// `text` with `& < > " '` as character references: safe as an element's
/// text or a quoted attribute value.
std::string escape_html(std::string_view text);
/// The same, appended to `out` (a page built piece by piece, no temporaries).
void append_escaped_html(std::string& out, std::string_view text);

/// `application/json`, serialised compactly.
class JSONResponse : public Response {
 public:
  JSONResponse(const json& content, int status_code = 200, Headers headers = {});
  /// `JSONResponse({{"text", "x"}, {"completed", true}})`: a braced JSON literal.
  JSONResponse(json::initializer_list_t content, int status_code = 200, Headers headers = {})
      : JSONResponse(json(content), status_code, std::move(headers)) {}
  /// Keys in insertion order, as built: `JSONResponse(row.to_json())` keeps the
  /// query's column order. (A template so that other values still go to `json`.)
  template <class Ordered>
  requires std::same_as<Ordered, nlohmann::ordered_json> JSONResponse(const Ordered& content, int status_code = 200,
                                                                      Headers headers = {})
      : Response(dump_ordered(content), status_code, std::move(headers), "application/json") {}
  /// Any other object nlohmann converts: a struct described for typed rows
  /// (`JSONResponse(note)`), a vector of them... Members go out in declared
  /// order, as Starlette keeps a dict's, where `json` would sort them.
  template <class T>
  requires(std::is_class_v<T> && !std::same_as<T, json> && !std::same_as<T, nlohmann::ordered_json> &&
           std::is_constructible_v<nlohmann::ordered_json, const T&>)
      JSONResponse(const T& content, int status_code = 200, Headers headers = {})
      : Response(dump_ordered(nlohmann::ordered_json(content)), status_code, std::move(headers), "application/json") {}

 private:
  static std::string dump_ordered(const nlohmann::ordered_json& content);
};

/// A redirect (307 by default, as in Starlette) to `url`; characters a URL
/// cannot carry (spaces, non-ASCII, quotes, control bytes) are percent-encoded.
class RedirectResponse : public Response {
 public:
  explicit RedirectResponse(std::string_view url, int status_code = 307, Headers headers = {});
};

/// A body produced chunk by chunk and sent with chunked transfer encoding.
class StreamingResponse : public Response {
 public:
  explicit StreamingResponse(ChunkSource source, int status_code = 200, Headers headers = {},
                             std::string_view media_type = "text/plain");
  StreamingResponse(std::shared_ptr<BodyStream> stream, int status_code = 200, Headers headers = {},
                    std::string_view media_type = "text/plain");
};

/// A file from disk, streamed in chunks read on the worker pool (the event loop
/// never waits for the disk), with Content-Length, Last-Modified, ETag and
/// Accept-Ranges. With status 200 it answers If-None-Match / If-Modified-Since
/// with 304 and a single `Range: bytes=` with 206 (416 when unsatisfiable;
/// If-Range honoured; several ranges get the whole file). The media type is
/// guessed from the extension unless given.
class FileResponse : public Response {
 public:
  /// Opens the file on the calling thread (StaticFiles calls it on the worker
  /// pool). From an endpoint on the event loop, prefer `co_await FileResponse::open(path)`.
  /// @throws HTTPException 404 when the file does not exist or is not a regular file.
  explicit FileResponse(const std::filesystem::path& path, int status_code = 200, Headers headers = {},
                        std::string_view media_type = {}, std::string_view filename = {});

  /// The same response, with the file opened and examined on the worker pool:
  /// `co_return co_await FileResponse::open(path);` never waits for the disk on
  /// the event loop (a slow or network file system included).
  /// @throws HTTPException as the constructor.
  static awaitable<Response> open(std::filesystem::path path, int status_code = 200, Headers headers = {},
                                  std::string media_type = {}, std::string filename = {});
};

/// The media type for a file name's extension (`application/octet-stream` if unknown).
std::string_view guess_media_type(const std::filesystem::path& path);

}  // namespace starling

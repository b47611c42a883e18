#include <starling/responses.hpp>

#include "http_date.hpp"

#include <stdexcept>

namespace starling {
namespace {

class CallbackStream final : public BodyStream {
 public:
  explicit CallbackStream(ChunkSource source) : source_(std::move(source)) {}
  awaitable<std::optional<std::string>> next() override { return source_(); }

 private:
  ChunkSource source_;
};

}  // namespace

Response::Response(std::string content, int status_code, Headers headers, std::string_view media_type)
    : status_code(status_code), headers(std::move(headers)), body(std::move(content)) {
  if (!media_type.empty() && !this->headers.contains("content-type")) set_media_type(media_type);
}

void Response::set_media_type(std::string_view media_type) {
  std::string value(media_type);
  if (media_type.starts_with("text/") && media_type.find("charset") == std::string_view::npos)
    value += "; charset=utf-8";
  headers.set("content-type", std::move(value));
}

namespace {

// RFC 6265 §4.1.1: a ';', ',', space, quote, backslash or control character in a
// cookie part would let a value add attributes of its own (`x; Domain=evil`).
void check_cookie_part(std::string_view what, std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f || c == ';' || c == ',' || c == '"' || c == '\\')
      throw std::invalid_argument("set_cookie: the " + std::string(what) + " '" + std::string(text) +
                                  "' has a character cookies cannot carry (percent-encode it)");
  }
}

}  // namespace

void Response::set_cookie(std::string_view key, std::string_view value, const CookieOptions& options) {
  if (key.empty() || key.find('=') != std::string_view::npos)
    throw std::invalid_argument("set_cookie: the name '" + std::string(key) + "' must be non-empty and have no '='");
  check_cookie_part("name", key);
  check_cookie_part("value", value);
  check_cookie_part("path", options.path);
  check_cookie_part("domain", options.domain);
  std::string cookie(key);
  cookie += '=';
  cookie += value;
  if (options.max_age) cookie += "; Max-Age=" + std::to_string(*options.max_age);
  if (options.expires) cookie += "; expires=" + http_date(*options.expires);
  if (!options.path.empty()) cookie += "; Path=" + options.path;
  if (!options.domain.empty()) cookie += "; Domain=" + options.domain;
  if (options.secure) cookie += "; Secure";
  if (options.httponly) cookie += "; HttpOnly";
  if (!options.samesite.empty()) cookie += "; SameSite=" + options.samesite;
  headers.append("set-cookie", std::move(cookie));
}

void Response::delete_cookie(std::string_view key, std::string_view path, std::string_view domain) {
  CookieOptions options;
  options.max_age = 0;
  options.expires = std::chrono::system_clock::time_point{};
  options.path = std::string(path);
  options.domain = std::string(domain);
  set_cookie(key, "", options);
}

PlainTextResponse::PlainTextResponse(std::string content, int status_code, Headers headers)
    : Response(std::move(content), status_code, std::move(headers), "text/plain") {}

HTMLResponse::HTMLResponse(std::string content, int status_code, Headers headers)
    : Response(std::move(content), status_code, std::move(headers), "text/html") {}

JSONResponse::JSONResponse(const json& content, int status_code, Headers headers)
    // `replace` keeps invalid UTF-8 from turning into an exception at response time.
    : Response(content.dump(-1, ' ', false, json::error_handler_t::replace), status_code, std::move(headers),
               "application/json") {}

std::string JSONResponse::dump_ordered(const nlohmann::ordered_json& content) {
  return content.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

RedirectResponse::RedirectResponse(std::string_view url, int status_code, Headers headers)
    : Response(std::string{}, status_code, std::move(headers)) {
  // As Starlette: what may not stand in a URL (spaces, non-ASCII bytes, quotes)
  // is percent-encoded; reserved characters and existing escapes are kept.
  this->headers.set("location", percent_encode(url, ":/%#?=@[]!$&'()*+,;~"));
}

StreamingResponse::StreamingResponse(ChunkSource source, int status_code, Headers headers, std::string_view media_type)
    : StreamingResponse(std::make_shared<CallbackStream>(std::move(source)), status_code, std::move(headers),
                        media_type) {}

StreamingResponse::StreamingResponse(std::shared_ptr<BodyStream> body_stream, int status_code, Headers headers,
                                     std::string_view media_type)
    : Response(std::string{}, status_code, std::move(headers), media_type) {
  stream = std::move(body_stream);
}

}  // namespace starling

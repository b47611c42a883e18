#pragma once
// Response → bytes on the wire: framing decisions, the response head, the cached
// Date, and the JSON error responses the server makes itself.

#include <starling/responses.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace starling::server {

/// A response the server makes itself: a status and the `detail` of its JSON body.
struct ServerError {
  int status = 400;
  std::string detail;
  Headers headers = {};
};

/// `{"detail": "..."}` as application/json with the error's status.
Response error_response(const ServerError& error);

/// How a response's body is delimited (RFC 9112 §6).
struct Framing {
  enum class Kind {
    none,        ///< no body and no length (1xx, 204, 304 without a length)
    length,      ///< Content-Length: `length`
    chunked,     ///< Transfer-Encoding: chunked
    until_close  ///< HTTP/1.0 with an unknown length: the end of the connection ends it
  };
  Kind kind = Kind::length;
  std::uint64_t length = 0;
  bool send_body = true;  ///< false for HEAD, 1xx, 204, 304
};

/// Decides the framing of `response` to a request of `version` (10 or 11).
Framing plan_framing(const Response& response, bool head_request, int version);

/// True when the app asked for the connection to close (`Connection: close`).
bool wants_close(const Response& response);

/// Writes the status line and header block of `response` into `out` (cleared first):
/// the app's headers minus the framing ones, then Date and Server (unless the app
/// set them; `server` empty: no Server), Content-Length or Transfer-Encoding, and
/// Connection. Header lines with CR, LF or NUL are dropped (response splitting).
void format_head(std::string& out, const Response& response, const Framing& framing, bool keep_alive, int version,
                 std::string_view server);

/// The current time as an IMF-fixdate; formatted at most once a second per thread.
std::string_view http_date_now();

}  // namespace starling::server

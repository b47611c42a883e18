#include "request_checks.hpp"

#include "request_target.hpp"

#include <starling/datastructures.hpp>

#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <cctype>
#include <string>

namespace starling::server {
namespace {

namespace http = boost::beast::http;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// Beast reports every unusable version as bad_version. A well-formed version we do
// not speak ("HTTP/2.0") deserves 505; anything else is a malformed request line.
ServerError version_error(std::string_view unparsed) {
  const auto line = unparsed.substr(0, unparsed.find_first_of("\r\n"));
  const auto space = line.rfind(' ');
  const auto version = space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
  bool well_formed =
      version.size() > 5 && version.starts_with("HTTP/") && std::isdigit(static_cast<unsigned char>(version[5]));
  for (const char c : version.substr(5 < version.size() ? 5 : version.size()))
    well_formed = well_formed && (std::isdigit(static_cast<unsigned char>(c)) || c == '.');
  if (well_formed && version != "HTTP/1.0" && version != "HTTP/1.1")
    return {505, "HTTP version not supported: " + std::string(version)};
  return {400, "Invalid HTTP version in the request line"};
}

std::string_view parse_error_detail(http::error error) {
  switch (error) {
    case http::error::bad_method: return "Invalid request method";
    case http::error::bad_target: return "Invalid request target";
    case http::error::bad_field: return "Invalid header field name";
    case http::error::bad_value: return "Invalid header field value";
    case http::error::bad_content_length: return "Invalid Content-Length";
    case http::error::multiple_content_length: return "Conflicting Content-Length headers";
    case http::error::bad_transfer_encoding: return "Invalid Transfer-Encoding";
    case http::error::bad_chunk: return "Invalid chunked body";
    case http::error::bad_chunk_extension: return "Invalid chunk extension";
    case http::error::bad_line_ending: return "Invalid line ending";
    case http::error::bad_obs_fold: return "Obsolete line folding is not allowed";
    default: return {};
  }
}

// RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF.
bool is_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the second byte's range
    if (byte >= 0xC2 && byte <= 0xDF) {
      length = 2;
    } else if (byte >= 0xE0 && byte <= 0xEF) {
      length = 3;
      if (byte == 0xE0) low = 0xA0;
      if (byte == 0xED) high = 0x9F;
    } else if (byte >= 0xF0 && byte <= 0xF4) {
      length = 4;
      if (byte == 0xF0) low = 0x90;
      if (byte == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (text.size() - i < length) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if (next < (k == 1 ? low : 0x80) || next > (k == 1 ? high : 0xBF)) return false;
    }
    i += length;
  }
  return true;
}

// The path the app will see (percent-decoded) is text: routes, path
// parameters and the database all take it for UTF-8.
bool path_is_utf8(std::string_view target) {
  const auto path = detail::split_target(target).path;  // as Request reads it
  const bool plain = std::all_of(path.begin(), path.end(), [](char c) { return c != '%' && (c & 0x80) == 0; });
  return plain || is_utf8(percent_decode(path));
}

bool valid_target(const RequestParts& parts) {
  const std::string_view target = parts.target;
  if (target.starts_with('/')) return true;
  if (target == "*") return parts.method == "OPTIONS";
  // absolute-form (RFC 9112 §3.2.2); Request takes the host from it.
  const auto scheme_end = target.find("://");
  return scheme_end != std::string_view::npos &&
         (iequals(target.substr(0, scheme_end), "http") || iequals(target.substr(0, scheme_end), "https"));
}

std::optional<ServerError> check_transfer_encoding(const RequestParser& parser) {
  if (parser.parts().version < 11) return ServerError{400, "Transfer-Encoding is not allowed in HTTP/1.0"};
  if (parser.has_content_length()) return ServerError{400, "Both Content-Length and Transfer-Encoding"};
  // Beast marks the request chunked only when chunked is the last coding, once.
  if (!parser.chunked()) return ServerError{400, "Transfer-Encoding must end with chunked"};
  for (const auto value : parser.parts().headers.get_list("transfer-encoding")) {
    std::string_view list = value;
    while (!list.empty()) {
      const auto comma = list.find(',');
      const auto coding = trim(list.substr(0, comma));
      if (!coding.empty() && !iequals(coding, "chunked"))
        return ServerError{501, "Transfer coding not implemented: " + std::string(coding)};
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<ServerError> read_error(const boost::system::error_code& ec, std::string_view unparsed,
                                      const RequestParser& parser) {
  // Socket errors (EOF, reset, the watchdog's cancellation) end the connection quietly.
  if (ec.category() != make_error_code(http::error::end_of_stream).category()) return std::nullopt;
  const auto error = static_cast<http::error>(ec.value());
  switch (error) {
    case http::error::end_of_stream:
    case http::error::partial_message: return std::nullopt;
    case http::error::header_limit: return ServerError{431, "Request header fields too large"};
    case http::error::bad_version: return version_error(unparsed);
    // Beast reports the conflict as an error in whichever field came second.
    case http::error::bad_content_length:
      if (parser.has_transfer_encoding()) return ServerError{400, "Both Content-Length and Transfer-Encoding"};
      break;
    case http::error::bad_transfer_encoding:
      if (parser.has_content_length()) return ServerError{400, "Both Content-Length and Transfer-Encoding"};
      break;
    default: break;
  }
  const auto detail = parse_error_detail(error);
  if (!detail.empty()) return ServerError{400, std::string(detail)};
  return ServerError{400, "Malformed request: " + ec.message()};
}

std::optional<ServerError> check_head(const RequestParser& parser) {
  const RequestParts& parts = parser.parts();
  if (!valid_target(parts)) return ServerError{400, "Invalid request target"};
  if (!path_is_utf8(parts.target)) return ServerError{400, "Invalid request target: the path is not UTF-8"};
  if (parser.host_count() > 1) return ServerError{400, "Multiple Host headers"};
  if (parser.host_count() == 0 && parts.version >= 11) return ServerError{400, "Missing Host header"};
  if (parser.has_transfer_encoding()) {
    if (auto error = check_transfer_encoding(parser)) return error;
  }
  if (parser.has_expect()) {
    for (const auto value : parts.headers.get_list("expect"))
      if (!iequals(trim(value), "100-continue"))
        return ServerError{417, "Unsupported expectation: " + std::string(value)};
  }
  return std::nullopt;
}

bool expects_continue(const RequestParser& parser) {
  // HTTP/1.0 clients do not know 100 Continue (RFC 9110 §10.1.1).
  return parser.has_expect() && parser.parts().version >= 11;
}

}  // namespace starling::server

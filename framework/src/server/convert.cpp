#include "convert.hpp"

#include "http_date.hpp"

#include <starling/exceptions.hpp>

#include <starling/logging.hpp>

#include <charconv>
#include <ctime>

namespace starling::server {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    if (x != b[i]) return false;  // `b` is always lower case here
  }
  return true;
}

bool contains_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    auto item = list.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (iequals(item, token)) return true;
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
  return false;
}

// The server owns message framing; the app's values for these are replaced.
bool is_framing_header(std::string_view name) {
  switch (name.size()) {
    case 10: return iequals(name, "connection");
    case 14: return iequals(name, "content-length");
    case 17: return iequals(name, "transfer-encoding");
    default: return false;
  }
}

bool safe_field(std::string_view text) {
  for (const char c : text)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  return true;
}

void append_number(std::string& out, std::uint64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

std::optional<std::uint64_t> declared_length(const Response& response) {
  const auto value = response.headers.get("content-length");
  if (!value) return std::nullopt;
  std::uint64_t length = 0;
  const auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), length);
  if (error != std::errc{} || end != value->data() + value->size()) return std::nullopt;
  return length;
}

}  // namespace

Response error_response(const ServerError& error) {
  return JSONResponse(json{{"detail", error.detail}}, error.status, error.headers);
}

Framing plan_framing(const Response& response, bool head_request, int version) {
  const int status = response.status_code;
  if (status < 200 || status == 204) return {Framing::Kind::none, 0, false};
  if (status == 304 || (head_request && !response.stream && response.body.empty())) {
    // No body to measure: the app's own Content-Length (the GET's) is kept, if any.
    if (const auto length = declared_length(response)) return {Framing::Kind::length, *length, false};
    if (status == 304) return {Framing::Kind::none, 0, false};
    return {Framing::Kind::length, 0, false};
  }
  Framing framing{Framing::Kind::length, response.body.size(), !head_request};
  if (response.stream) {
    if (const auto length = response.stream->length()) {
      framing.length = *length;
    } else {
      framing.kind = version >= 11 ? Framing::Kind::chunked : Framing::Kind::until_close;
      // A HEAD answer has no body to delimit, so HTTP/1.0 can keep its connection.
      if (head_request && framing.kind == Framing::Kind::until_close) framing.kind = Framing::Kind::none;
    }
  }
  return framing;
}

bool wants_close(const Response& response) {
  const auto value = response.headers.get("connection");
  return value && contains_token(*value, "close");
}

void format_head(std::string& out, const Response& response, const Framing& framing, bool keep_alive, int version,
                 std::string_view server) {
  out.clear();
  int status = response.status_code;
  if (status < 100 || status > 999) {
    log::error("invalid status code " + std::to_string(status) + " answered as 500");
    status = 500;
  }
  out += "HTTP/1.1 ";
  append_number(out, static_cast<std::uint64_t>(status));
  out += ' ';
  out += starling::reason_phrase(status);
  out += "\r\n";
  bool has_date = false;
  bool has_server = server.empty();
  for (const auto& [name, value] : response.headers) {
    if (is_framing_header(name)) continue;
    if (name.empty() || !safe_field(name) || !safe_field(value)) {
      log::warning("dropped a response header with CR, LF or NUL in it: " + name.substr(0, 40));
      continue;
    }
    has_date = has_date || (name.size() == 4 && iequals(name, "date"));
    has_server = has_server || (name.size() == 6 && iequals(name, "server"));
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (!has_date) {
    out += "Date: ";
    out += http_date_now();
    out += "\r\n";
  }
  if (!has_server) {
    out += "Server: ";
    out += server;
    out += "\r\n";
  }
  if (framing.kind == Framing::Kind::length) {
    out += "Content-Length: ";
    append_number(out, framing.length);
    out += "\r\n";
  } else if (framing.kind == Framing::Kind::chunked) {
    out += "Transfer-Encoding: chunked\r\n";
  }
  if (!keep_alive) {
    out += "Connection: close\r\n";
  } else if (version < 11) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
}

std::string_view http_date_now() {
  // One cache per thread: no lock and no shared cache line on the hot path;
  // time() is a vDSO read, and formatting happens once a second at most.
  thread_local std::time_t cached_second = -1;
  thread_local char text[kHttpDateSize];
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    format_http_date(now, text);
    cached_second = now;
  }
  return {text, kHttpDateSize};
}

}  // namespace starling::server

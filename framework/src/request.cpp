#include <starling/request.hpp>

#include <starling/exceptions.hpp>

#include "request_target.hpp"

#include <cctype>
#include <charconv>
#include <limits>

namespace starling {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

void split_host_port(std::string_view authority, URL& url) {
  // "[::1]:8000", "example.com:80", "example.com"
  const auto bracket = authority.rfind(']');
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    std::uint16_t port = 0;
    const auto digits = authority.substr(colon + 1);
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (error == std::errc{} && end == digits.data() + digits.size()) url.port = port;
    authority = authority.substr(0, colon);
  }
  url.host = std::string(authority);
}

// Fills path/query from "/path?query", or host/path/query from an
// absolute-form target "http://host/path?query" (RFC 9112 §3.2.2).
void parse_target(std::string_view target, URL& url, bool& host_from_target) {
  const auto parts = detail::split_target(target);
  if (parts.absolute) {
    // The scheme stays the connection's: a client writing "https://" in its
    // request line over plain HTTP must not pass for a secure request.
    split_host_port(parts.authority, url);
    host_from_target = true;
  }
  const std::string_view raw_path = parts.path.empty() ? std::string_view("/") : parts.path;
  url.raw_path = std::string(raw_path);
  url.path = raw_path.find('%') == std::string_view::npos ? url.raw_path : percent_decode(raw_path);
  url.query = std::string(parts.query);
}

}  // namespace

Request::Request(RequestParts parts)
    : method_(std::move(parts.method)),
      version_(parts.version),
      headers_(std::move(parts.headers)),
      body_(std::move(parts.body)),
      connection_(parts.connection),
      body_pending_(parts.body_pending && parts.connection),
      websocket_(std::move(parts.websocket)),
      client_(std::move(parts.client)) {
  url_.scheme = std::move(parts.scheme);
  bool host_from_target = false;
  parse_target(parts.target, url_, host_from_target);
  if (!host_from_target)
    if (const auto host = headers_.get("host")) split_host_port(*host, url_);
}

const QueryParams& Request::query_params() const {
  if (!query_params_) query_params_ = std::make_unique<QueryParams>(QueryParams::parse(url_.query));
  return *query_params_;
}

const std::map<std::string, std::string>& Request::cookies() const {
  if (cookies_) return *cookies_;
  cookies_ = std::make_unique<std::map<std::string, std::string>>();
  for (const auto header : headers_.get_list("cookie")) {
    std::string_view rest = header;
    while (!rest.empty()) {
      const auto semicolon = rest.find(';');
      const auto pair = trim(rest.substr(0, semicolon));
      rest = semicolon == std::string_view::npos ? std::string_view{} : rest.substr(semicolon + 1);
      const auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      auto value = trim(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      cookies_->emplace(std::string(trim(pair.substr(0, eq))), percent_decode(value));
    }
  }
  return *cookies_;
}

std::string Request::media_type() const {
  const auto content_type = headers_.get("content-type").value_or("");
  std::string media_type(trim(content_type.substr(0, content_type.find(';'))));
  for (auto& c : media_type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return media_type;
}

// --- PathParams ---

const PathParams::Param& PathParams::find(std::string_view name) const {
  for (const auto& param : items_)
    if (param.name == name) return param;
  throw std::out_of_range("no path parameter '" + std::string(name) + "'");
}

const std::string& PathParams::operator[](std::string_view name) const { return find(name).value; }

bool PathParams::contains(std::string_view name) const {
  for (const auto& param : items_)
    if (param.name == name) return true;
  return false;
}

void PathParams::add(std::string name, std::string value, Convertor convertor) {
  items_.push_back({std::move(name), std::move(value), convertor});
}

namespace {
template <class T>
T parse_number(const PathParams::Param& param) {
  T result{};
  const auto& text = param.value;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), result);
  if (error == std::errc::result_out_of_range)  // the URL names no such resource
    throw HTTPException(404, "path parameter '" + param.name + "' is out of range");
  if (error != std::errc{} || end != text.data() + text.size())
    throw std::invalid_argument("path parameter '" + param.name + "' has value '" + text +
                                "', which is not a valid number of the requested type");
  return result;
}
}  // namespace

template <>
std::string PathParams::get<std::string>(std::string_view name) const {
  return find(name).value;
}
template <>
long long PathParams::get<long long>(std::string_view name) const {
  return parse_number<long long>(find(name));
}
template <>
long PathParams::get<long>(std::string_view name) const {
  return parse_number<long>(find(name));
}
template <>
int PathParams::get<int>(std::string_view name) const {
  return parse_number<int>(find(name));
}
template <>
double PathParams::get<double>(std::string_view name) const {
  return parse_number<double>(find(name));
}

}  // namespace starling

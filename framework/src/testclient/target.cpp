#include "testclient/target.hpp"

#include <cstdio>
#include <random>
#include <stdexcept>

namespace starling::testclient {
namespace {

Target parse_absolute(std::string_view url) {
  Target target;
  const auto scheme_end = url.find("://");
  target.scheme = std::string(url.substr(0, scheme_end));
  url.remove_prefix(scheme_end + 3);
  const auto path_start = url.find_first_of("/?");
  target.authority = std::string(url.substr(0, path_start));
  url = path_start == std::string_view::npos ? std::string_view("/") : url.substr(path_start);
  const auto question = url.find('?');
  target.path = std::string(url.substr(0, question));
  if (target.path.empty()) target.path = "/";
  if (question != std::string_view::npos) target.query = std::string(url.substr(question + 1));
  return target;
}

bool is_absolute(std::string_view url) { return url.find("://") != std::string_view::npos && url.front() != '/'; }

std::string quoted_param(std::string_view text) {
  std::string result = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') result += '\\';
    result += c;
  }
  return result + '"';
}

std::string random_boundary() {
  std::random_device random;
  std::string boundary = "starling-testclient-";
  for (int i = 0; i < 4; ++i) {
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", random());
    boundary += hex;
  }
  return boundary;
}

// Fields first, then files, as browsers and httpx send them.
std::string multipart_body(const RequestOptions& options, const std::string& boundary) {
  std::string body;
  const auto part_head = [&](std::string_view name) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=" + quoted_param(name);
  };
  if (options.form) {
    for (const auto& [name, value] : *options.form) {
      part_head(name);
      body += "\r\n\r\n" + value + "\r\n";
    }
  }
  for (const auto& [name, file] : options.files) {
    part_head(name);
    body += "; filename=" + quoted_param(file.filename) + "\r\nContent-Type: " + file.content_type + "\r\n\r\n";
    body += file.content + "\r\n";
  }
  return body + "--" + boundary + "--\r\n";
}

}  // namespace

Target Target::resolve(std::string_view base_url, std::string_view url) {
  if (url.empty()) throw std::invalid_argument("TestClient: empty URL");
  if (is_absolute(url)) return parse_absolute(url);
  Target base = parse_absolute(base_url);
  if (url.front() != '/') throw std::invalid_argument("TestClient: URL '" + std::string(url) + "' must start with '/'");
  Target target = parse_absolute(base.scheme + "://" + base.authority + std::string(url));
  return target;
}

Target Target::follow(std::string_view location) const {
  if (is_absolute(location)) return parse_absolute(location);
  if (!location.empty() && location.front() == '/')
    return parse_absolute(scheme + "://" + authority + std::string(location));
  // A relative reference: resolve against the current path's directory.
  const auto directory = path.substr(0, path.rfind('/') + 1);
  return parse_absolute(scheme + "://" + authority + directory + std::string(location));
}

std::string Target::url() const { return scheme + "://" + authority + path + (query.empty() ? "" : "?" + query); }

RequestParts build_request(std::string_view method, const Target& target, const RequestOptions& options,
                           const std::map<std::string, std::string>& jar, const std::string& client_host) {
  RequestParts parts;
  parts.method = std::string(method);
  parts.scheme = target.scheme;
  std::string query = target.query;
  const auto extra = options.params.to_string();
  if (!extra.empty()) query += (query.empty() ? "" : "&") + extra;
  parts.target = target.path + (query.empty() ? "" : "?" + query);
  parts.client = {client_host, 50000};

  Headers& headers = parts.headers;
  headers.append("host", target.authority);
  headers.append("user-agent", "testclient");
  headers.append("accept", "*/*");
  if (options.json) {
    parts.body = options.json->dump();
    headers.append("content-type", "application/json");
  } else if (!options.files.empty()) {
    const std::string boundary = random_boundary();
    parts.body = multipart_body(options, boundary);
    headers.append("content-type", "multipart/form-data; boundary=" + boundary);
  } else if (options.form) {
    parts.body = QueryParams(options.form->items()).to_string();
    headers.append("content-type", "application/x-www-form-urlencoded");
  } else if (options.data) {
    parts.body = *options.data;
  }
  // Headers given by the test replace the defaults of the same name, and keep repeats.
  for (const auto& [name, value] : options.headers) headers.erase(name);
  for (const auto& [name, value] : options.headers) headers.append(name, value);
  if (!parts.body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
    if (!headers.contains("content-length")) headers.append("content-length", std::to_string(parts.body.size()));

  auto cookies = jar;
  for (const auto& [name, value] : options.cookies) cookies[name] = value;
  std::string cookie_header;
  for (const auto& [name, value] : cookies) {
    if (!cookie_header.empty()) cookie_header += "; ";
    cookie_header += name + "=" + value;
  }
  if (!cookie_header.empty() && !headers.contains("cookie")) headers.append("cookie", cookie_header);
  return parts;
}

}  // namespace starling::testclient

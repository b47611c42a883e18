#include <starling/middleware/cors.hpp>

#include <starling/request.hpp>
#include <starling/responses.hpp>

#include <algorithm>
#include <cctype>
#include <optional>
#include <regex>
#include <set>
#include <stdexcept>
#include <utility>

namespace starling {

namespace {

// What "*" expands to in allow_methods, as in Starlette.
const std::vector<std::string> kAllMethods = {"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"};
// Browsers send these without asking, so a preflight always allows them.
const std::set<std::string> kSafelistedHeaders = {"Accept", "Accept-Language", "Content-Language", "Content-Type"};

bool contains(const std::vector<std::string>& values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

std::string join(const std::vector<std::string>& values) {
  std::string joined;
  for (const auto& value : values) {
    if (!joined.empty()) joined += ", ";
    joined += value;
  }
  return joined;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Starlette's MutableHeaders.add_vary_header: append to an existing Vary.
void add_vary_header(Headers& headers, std::string_view vary) {
  std::string value(vary);
  if (auto existing = headers.get("Vary")) value = std::string(*existing) + ", " + value;
  headers.set("Vary", std::move(value));
}

void allow_explicit_origin(Headers& headers, std::string_view origin) {
  headers.set("Access-Control-Allow-Origin", std::string(origin));
  add_vary_header(headers, "Origin");
}

}  // namespace

struct CORSMiddleware::Impl {
  std::vector<std::string> allow_origins;
  std::vector<std::string> allow_methods;
  std::vector<std::string> allow_headers;  // lower-cased, safelisted ones included
  bool allow_all_origins = false;
  bool allow_all_headers = false;
  // With credentials a browser rejects "*", so the origin must be echoed.
  bool preflight_explicit_allow_origin = false;
  std::optional<std::regex> allow_origin_regex;
  Headers simple_headers;
  Headers preflight_headers;

  bool is_allowed_origin(std::string_view origin) const {
    if (allow_all_origins) return true;
    if (allow_origin_regex && std::regex_match(origin.begin(), origin.end(), *allow_origin_regex)) return true;
    return contains(allow_origins, origin);
  }

  Response preflight_response(const Headers& request_headers) const;
  void add_simple_headers(Response& response, const Headers& request_headers) const;

  // Takes its state by value: the coroutine may outlive the Handler that started it.
  static awaitable<Response> handle(std::shared_ptr<const Impl> self, std::shared_ptr<const Handler> next,
                                    Request& request);
};

CORSMiddleware::CORSMiddleware(CORSOptions options) {
  auto impl = std::make_shared<Impl>();
  impl->allow_origins = std::move(options.allow_origins);
  if (contains(options.allow_methods, "*"))
    impl->allow_methods = kAllMethods;
  else
    impl->allow_methods = std::move(options.allow_methods);
  impl->allow_all_origins = contains(impl->allow_origins, "*");
  impl->allow_all_headers = contains(options.allow_headers, "*");
  impl->preflight_explicit_allow_origin = !impl->allow_all_origins || options.allow_credentials;
  if (!options.allow_origin_regex.empty()) {
    try {
      impl->allow_origin_regex.emplace(options.allow_origin_regex, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw std::invalid_argument("CORSMiddleware: invalid allow_origin_regex '" + options.allow_origin_regex +
                                  "': " + e.what());
    }
  }

  if (impl->allow_all_origins) impl->simple_headers.set("Access-Control-Allow-Origin", "*");
  if (options.allow_credentials) impl->simple_headers.set("Access-Control-Allow-Credentials", "true");
  if (!options.expose_headers.empty())
    impl->simple_headers.set("Access-Control-Expose-Headers", join(options.expose_headers));

  auto& preflight = impl->preflight_headers;
  if (impl->preflight_explicit_allow_origin) {
    // Access-Control-Allow-Origin is added per request, once the origin is known to be allowed.
    preflight.set("Vary", "Origin");
  } else {
    preflight.set("Access-Control-Allow-Origin", "*");
  }
  preflight.set("Access-Control-Allow-Methods", join(impl->allow_methods));
  preflight.set("Access-Control-Max-Age", std::to_string(options.max_age));
  std::set<std::string> headers = kSafelistedHeaders;  // sorted, as Starlette's sorted(set)
  for (const auto& header : options.allow_headers) headers.emplace(trim(header));
  if (!impl->allow_all_headers) preflight.set("Access-Control-Allow-Headers", join({headers.begin(), headers.end()}));
  if (options.allow_credentials) preflight.set("Access-Control-Allow-Credentials", "true");
  for (const auto& header : headers) impl->allow_headers.push_back(lower(header));

  impl_ = std::move(impl);
}

bool CORSMiddleware::is_allowed_origin(std::string_view origin) const { return impl_->is_allowed_origin(origin); }

Handler CORSMiddleware::operator()(Handler next) const {
  return [impl = impl_, next = std::make_shared<const Handler>(std::move(next))](Request& request) {
    return Impl::handle(impl, next, request);
  };
}

awaitable<Response> CORSMiddleware::Impl::handle(std::shared_ptr<const Impl> self, std::shared_ptr<const Handler> next,
                                                 Request& request) {
  const auto& headers = request.headers();
  if (!headers.contains("Origin")) co_return co_await (*next)(request);
  // Browsers let any page open a WebSocket anywhere, cookies included (no
  // preflight): the origin rules are the only guard, so a foreign one is refused.
  if (request.is_websocket() && !self->is_allowed_origin(headers.at("Origin")))
    co_return JSONResponse({{"detail", "WebSocket origin not allowed"}}, 403);
  if (request.method() == "OPTIONS" && headers.contains("Access-Control-Request-Method"))
    co_return self->preflight_response(headers);
  Response response = co_await (*next)(request);
  self->add_simple_headers(response, headers);
  co_return response;
}

Response CORSMiddleware::Impl::preflight_response(const Headers& request_headers) const {
  const std::string& origin = request_headers.at("Origin");
  const std::string& method = request_headers.at("Access-Control-Request-Method");
  auto requested_headers = request_headers.get("Access-Control-Request-Headers");

  Headers headers = preflight_headers;
  std::vector<std::string> failures;
  if (is_allowed_origin(origin)) {
    // Otherwise preflight_headers already says "*".
    if (preflight_explicit_allow_origin) headers.set("Access-Control-Allow-Origin", origin);
  } else {
    failures.emplace_back("origin");
  }
  if (!contains(allow_methods, method)) failures.emplace_back("method");

  if (allow_all_headers && requested_headers) {
    // "*" is not honoured by browsers when credentials are sent, so mirror the request.
    headers.set("Access-Control-Allow-Headers", std::string(*requested_headers));
  } else if (requested_headers) {
    std::string_view rest = *requested_headers;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto header = trim(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (!header.empty() && !contains(allow_headers, lower(header))) {
        failures.emplace_back("headers");
        break;
      }
    }
  }

  // The browser enforces CORS either way; a 400 with the reasons is just more informative.
  if (!failures.empty()) return PlainTextResponse("Disallowed CORS " + join(failures), 400, std::move(headers));
  return PlainTextResponse("OK", 200, std::move(headers));
}

void CORSMiddleware::Impl::add_simple_headers(Response& response, const Headers& request_headers) const {
  for (const auto& [name, value] : simple_headers) response.headers.set(name, value);
  const std::string& origin = request_headers.at("Origin");
  // A request with cookies must get its origin back: browsers refuse "*" with credentials.
  if (allow_all_origins ? request_headers.contains("Cookie") : is_allowed_origin(origin))
    allow_explicit_origin(response.headers, origin);
}

}  // namespace starling

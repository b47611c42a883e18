#include <starling/middleware/trusted_host.hpp>

#include <starling/request.hpp>
#include <starling/responses.hpp>

#include <algorithm>
#include <cctype>
#include <optional>
#include <stdexcept>
#include <utility>

namespace starling {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

struct HostPort {
  std::string host;  // lower-cased, IPv6 literals keep their brackets
  std::string_view port;
};

// Splits "example.com:8000" or "[::1]:8000". A port that is not all digits makes the
// header invalid: it would otherwise be copied into the www redirect's URL
// ("example.com:@evil.test" would send the client to evil.test).
std::optional<HostPort> split_host(std::string_view header) {
  std::size_t host_end = header.size();
  if (header.starts_with('[')) {
    auto bracket = header.find(']');
    if (bracket == std::string_view::npos) return std::nullopt;
    host_end = bracket + 1;
    if (host_end < header.size() && header[host_end] != ':') return std::nullopt;
  } else {
    host_end = std::min(header.find(':'), header.size());
  }
  std::string_view port = host_end < header.size() ? header.substr(host_end + 1) : std::string_view{};
  if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  return HostPort{lower(header.substr(0, host_end)), port};
}

// The Response must outlive the call, so it is moved into the coroutine frame.
awaitable<Response> respond(Response response) { co_return response; }

}  // namespace

TrustedHostMiddleware::TrustedHostMiddleware(const TrustedHostOptions& options) : www_redirect_(options.www_redirect) {
  for (const auto& pattern : options.allowed_hosts) {
    bool misplaced = pattern.find('*', 1) != std::string::npos ||
                     (pattern.starts_with('*') && pattern != "*" && !pattern.starts_with("*."));
    if (misplaced)
      throw std::invalid_argument("TrustedHostMiddleware: invalid host pattern '" + pattern +
                                  "': domain wildcard patterns must be like '*.example.com'");
    if (pattern == "*") allow_any_ = true;
    allowed_hosts_.push_back(lower(pattern));
  }
}

bool TrustedHostMiddleware::is_allowed_host(std::string_view host) const {
  if (allow_any_) return true;
  auto name = lower(host);
  return std::any_of(allowed_hosts_.begin(), allowed_hosts_.end(), [&](const std::string& pattern) {
    // "*.example.com" matches any subdomain, but not example.com itself.
    return pattern == name || (pattern.starts_with('*') && ends_with(name, std::string_view(pattern).substr(1)));
  });
}

Handler TrustedHostMiddleware::operator()(Handler next) const {
  // The check needs no I/O, so accepted requests go to `next` without a coroutine frame of ours.
  return [self = *this, next = std::move(next)](Request& request) -> awaitable<Response> {
    if (self.allow_any_) return next(request);
    auto header = request.headers().get("Host");
    auto parsed = header ? split_host(*header) : std::nullopt;
    if (parsed && self.is_allowed_host(parsed->host)) return next(request);

    bool redirect = parsed && self.www_redirect_ &&
                    std::find(self.allowed_hosts_.begin(), self.allowed_hosts_.end(), "www." + parsed->host) !=
                        self.allowed_hosts_.end();
    if (!redirect) return respond(PlainTextResponse("Invalid host header", 400));

    const URL& url = request.url();
    std::string location = url.scheme + "://www." + parsed->host;
    if (!parsed->port.empty()) location += ":" + std::string(parsed->port);
    location += url.raw_path.empty() ? "/" : url.raw_path;
    if (!url.query.empty()) location += "?" + url.query;
    return respond(RedirectResponse(location));
  };
}

}  // namespace starling

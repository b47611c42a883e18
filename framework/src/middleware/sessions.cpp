#include <starling/logging.hpp>
#include <starling/middleware/sessions.hpp>
#include <starling/request.hpp>
#include <starling/responses.hpp>

#include "bounded_json.hpp"
#include "crypto/signing.hpp"
#include "request_access.hpp"

#include <stdexcept>

namespace starling {
namespace {

// Browsers drop a cookie past about 4 KiB (RFC 6265 §6.1 asks for at least 4096 bytes).
constexpr std::size_t kBrowserCookieLimit = 4096;

json load_session(const SessionOptions& options, const std::vector<std::string_view>& keys, const Request& request) {
  const auto& cookies = request.cookies();
  const auto cookie = cookies.find(options.session_cookie);
  if (cookie == cookies.end()) return json::object();
  const auto verified = crypto::verify(keys, options.session_cookie, cookie->second);
  if (!verified) return json::object();
  if (options.max_age && std::chrono::system_clock::now() - verified->signed_at > *options.max_age)
    return json::object();
  auto parsed = detail::parse_bounded_json(verified->payload);
  if (!parsed.error.empty() || !parsed.value.is_object()) return json::object();
  return std::move(parsed.value);
}

CookieOptions cookie_options(const SessionOptions& options) {
  CookieOptions cookie;
  if (options.max_age) cookie.max_age = static_cast<long>(options.max_age->count());
  cookie.path = options.path;
  cookie.domain = options.domain;
  cookie.secure = options.https_only;
  cookie.httponly = true;  // scripts never need the session; an XSS then cannot steal it
  cookie.samesite = options.same_site;
  return cookie;
}

}  // namespace

SessionMiddleware::SessionMiddleware(SessionOptions options) : options_(std::move(options)) {
  if (options_.secret_keys.empty()) throw std::invalid_argument("SessionMiddleware: secret_keys is empty");
  for (std::size_t i = 0; i < options_.secret_keys.size(); ++i) {
    if (options_.secret_keys[i].reveal().size() < 16)
      throw std::invalid_argument("SessionMiddleware: secret_keys[" + std::to_string(i) +
                                  "] is shorter than 16 bytes; use a long random value");
  }
  const auto& same_site = options_.same_site;
  if (same_site != "lax" && same_site != "strict" && same_site != "none")
    throw std::invalid_argument("SessionMiddleware: same_site must be lax, strict or none, not '" + same_site + "'");
  // A SameSite=None cookie is refused by browsers unless it is Secure.
  if (same_site == "none" && !options_.https_only)
    throw std::invalid_argument("SessionMiddleware: same_site none needs https_only (browsers require Secure)");
  Response probe;
  probe.set_cookie(options_.session_cookie, "x",
                   cookie_options(options_));  // a bad name or path fails here, not per request
}

namespace {

// The middleware's work, as a free coroutine: its arguments live in its own
// frame, whatever becomes of the Handler that started it.
awaitable<Response> with_session(std::shared_ptr<const SessionOptions> options, std::shared_ptr<const Handler> next,
                                 Request& request) {
  std::vector<std::string_view> keys;
  keys.reserve(options->secret_keys.size());
  for (const auto& key : options->secret_keys) keys.emplace_back(key.reveal());
  const bool had_cookie = request.cookies().count(options->session_cookie) != 0;
  auto session = std::make_shared<json>(load_session(*options, keys, request));
  detail::RequestAccess::session(request) = session;
  Response response = co_await (*next)(request);
  if (!session->is_object()) log::warning("request.session() was replaced by a non-object; the session is dropped");
  if (session->is_object() && !session->empty()) {
    const std::string value =
        crypto::sign(keys.front(), options->session_cookie, session->dump(), std::chrono::system_clock::now());
    if (value.size() > kBrowserCookieLimit)
      log::warning("the session cookie is " + std::to_string(value.size()) +
                   " bytes: browsers drop cookies over 4096, so this session will be lost");
    response.set_cookie(options->session_cookie, value, cookie_options(*options));
  } else if (had_cookie) {
    response.delete_cookie(options->session_cookie, options->path, options->domain);
  }
  co_return response;
}

}  // namespace

Handler SessionMiddleware::operator()(Handler next) const {
  return [options = std::make_shared<const SessionOptions>(options_),
          next = std::make_shared<const Handler>(std::move(next))](Request& request) {
    return with_session(options, next, request);
  };
}

}  // namespace starling

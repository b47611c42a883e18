#include "access.hpp"

#include <starling/middleware/authentication.hpp>
#include <starling/middleware/proxy_headers.hpp>
#include <starling/middleware/request_id.hpp>
#include <starling/responses.hpp>

#include <memory>

namespace notes {
namespace {

using starling::AuthCredentials;
using starling::AuthResult;
using starling::awaitable;
using starling::Request;

// Compares without stopping at the first difference, so the time taken says
// nothing about how much of a guessed token was right.
bool same_token(std::string_view given, std::string_view expected) {
  if (given.size() != expected.size() || expected.empty()) return false;  // the length is no secret
  unsigned char difference = 0;
  for (std::size_t i = 0; i < given.size(); ++i) difference |= static_cast<unsigned char>(given[i] ^ expected[i]);
  return difference == 0;
}

starling::AuthenticationBackend token_backend(starling::Secret token) {
  return [token = std::move(token)](Request& request) -> awaitable<std::optional<AuthResult>> {
    // Without a token configured, everyone may write (the README's first run).
    if (token.empty()) co_return AuthResult{AuthCredentials{{kWriteScope}}, nullptr};
    const auto header = request.headers().get("authorization");
    if (!header) co_return std::nullopt;
    constexpr std::string_view kBearer = "Bearer ";
    if (!header->starts_with(kBearer) || !same_token(header->substr(kBearer.size()), token.reveal()))
      throw starling::AuthenticationError("Invalid API token");
    co_return AuthResult{AuthCredentials{{"authenticated", kWriteScope}},
                         std::make_shared<starling::SimpleUser>("api-token")};
  };
}

starling::Response refuse_token(Request&, const starling::AuthenticationError& error) {
  return starling::JSONResponse({{"detail", error.what()}}, 401,
                                {{"WWW-Authenticate", R"(Bearer error="invalid_token")"}});
}

}  // namespace

std::vector<starling::Middleware> access_middleware(const Settings& settings) {
  std::vector<starling::Middleware> middleware;
  // First, so even a refused request's answer and log line carry its id.
  middleware.emplace_back(starling::RequestIDMiddleware());
  if (!settings.forwarded_allow_ips.empty())
    middleware.emplace_back(starling::ProxyHeadersMiddleware({.trusted_hosts = settings.forwarded_allow_ips}));
  middleware.emplace_back(
      starling::AuthenticationMiddleware({.backend = token_backend(settings.api_token), .on_error = refuse_token}));
  return middleware;
}

starling::Handler metrics_reader(starling::Handler endpoint) {
  // Writes' rule: the token when one is set. The metrics show traffic and load,
  // which an operator may not want every reader of notes to see.
  return writer(std::move(endpoint));
}

starling::Handler writer(starling::Handler endpoint) {
  return starling::requires_scopes({kWriteScope}, std::move(endpoint), {.status_code = 401});
}

}  // namespace notes

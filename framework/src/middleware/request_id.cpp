#include <starling/middleware/request_id.hpp>

#include <starling/request.hpp>
#include <starling/responses.hpp>

#include "request_access.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <random>
#include <stdexcept>

namespace starling {
namespace {

// An id is logged and echoed: no byte that could break a log line or a header.
bool acceptable_id(std::string_view id, std::size_t max_length) {
  return !id.empty() && id.size() <= max_length &&
         std::all_of(id.begin(), id.end(), [](char c) { return c > ' ' && c < 0x7f && c != '"' && c != '\\'; });
}

bool is_token(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

// Unique enough to find one request among a day's logs; not a secret, so no
// cryptographic generator is needed.
std::string new_id() {
  thread_local std::mt19937_64 generator{(std::uint64_t(std::random_device{}()) << 32) ^ std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (std::size_t half = 0; half < 2; ++half) {
    auto bits = generator();
    for (std::size_t i = 0; i < 16; ++i, bits >>= 4) id[half * 16 + i] = kHex[bits & 0xf];
  }
  return id;
}

// A coroutine of its own, with the options and `next` held by shared pointers:
// the Handler that called it may be a copy that dies before the response is ready.
awaitable<Response> with_request_id(std::shared_ptr<const RequestIDOptions> options,
                                    std::shared_ptr<const Handler> next, Request& request) {
  std::string id;
  if (options->trust_incoming) {
    auto incoming = request.headers().get(options->header);
    if (incoming && acceptable_id(*incoming, options->max_length)) id = *incoming;
  }
  if (id.empty()) id = new_id();
  detail::RequestAccess::scope(request).request_id = id;
  Response response = co_await (*next)(request);
  if (!response.headers.contains(options->header)) response.headers.append(options->header, std::move(id));
  co_return response;
}

}  // namespace

RequestIDMiddleware::RequestIDMiddleware(RequestIDOptions options) : options_(std::move(options)) {
  if (!is_token(options_.header))
    throw std::invalid_argument("RequestIDMiddleware: '" + options_.header + "' is no valid header name");
}

Handler RequestIDMiddleware::operator()(Handler next) const {
  return [options = std::make_shared<const RequestIDOptions>(options_),
          next = std::make_shared<const Handler>(std::move(next))](Request& request) {
    return with_request_id(options, next, request);
  };
}

}  // namespace starling

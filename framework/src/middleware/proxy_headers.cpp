#include <starling/middleware/proxy_headers.hpp>
#include <starling/request.hpp>
#include <starling/responses.hpp>

#include "request_access.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <stdexcept>

namespace starling {

namespace ip = boost::asio::ip;

struct ProxyHeadersMiddleware::Trusted {
  bool any = false;
  bool x_forwarded_host = false;
  bool forwarded = false;
  std::vector<ip::network_v4> v4;
  std::vector<ip::network_v6> v6;

  bool contains(const ip::address& address) const {
    if (any) return true;
    if (address.is_v4()) {
      return std::any_of(v4.begin(), v4.end(), [&](const ip::network_v4& network) {
        return (address.to_v4().to_uint() & network.netmask().to_uint()) == network.network().to_uint();
      });
    }
    const auto v6_address = address.to_v6();
    if (v6_address.is_v4_mapped()) return contains(ip::make_address_v4(ip::v4_mapped, v6_address));
    return std::any_of(v6.begin(), v6.end(), [&](const ip::network_v6& network) {
      return ip::network_v6(v6_address, network.prefix_length()).canonical() == network.canonical();
    });
  }
};

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split_list(std::string_view text) {
  std::vector<std::string_view> items;
  while (true) {
    const auto comma = text.find(',');
    items.push_back(trim(text.substr(0, comma)));
    if (comma == std::string_view::npos) return items;
    text.remove_prefix(comma + 1);
  }
}

std::optional<ip::address> parse_address(std::string_view text) {
  boost::system::error_code ec;
  const auto address = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return address;
}

// An address as a proxy writes it: "203.0.113.7", "203.0.113.7:4711",
// "[2001:db8::1]:4711" or "2001:db8::1". nullopt for anything else
// (RFC 7239's "unknown" and obfuscated names included).
std::optional<Address> parse_node(std::string_view node) {
  if (node.size() >= 2 && node.front() == '"' && node.back() == '"') node = node.substr(1, node.size() - 2);
  std::string_view host = node;
  std::uint16_t port = 0;
  if (node.starts_with('[')) {
    const auto bracket = node.find(']');
    if (bracket == std::string_view::npos) return std::nullopt;
    host = node.substr(1, bracket - 1);
    const auto rest = node.substr(bracket + 1);
    if (rest.starts_with(':')) std::from_chars(rest.data() + 1, rest.data() + rest.size(), port);
  } else if (std::count(node.begin(), node.end(), ':') == 1) {
    const auto colon = node.find(':');
    host = node.substr(0, colon);
    std::from_chars(node.data() + colon + 1, node.data() + node.size(), port);
  }
  const auto address = parse_address(host);
  if (!address) return std::nullopt;
  return Address{address->to_string(), port};
}

// A Host value fit to put in a URL: letters, digits, '-', '.', an IPv6 literal
// in brackets, and an optional numeric port. Anything else is ignored.
bool is_valid_host(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == ':' || c == '[' || c == ']';
  });
}

struct Forwarded {
  std::optional<Address> client;
  std::string scheme;
  std::string host;
};

// One element of a Forwarded header: `for=...;proto=...;host=...`.
Forwarded parse_forwarded_element(std::string_view element) {
  Forwarded result;
  while (!element.empty()) {
    const auto semicolon = element.find(';');
    const auto pair = trim(element.substr(0, semicolon));
    element = semicolon == std::string_view::npos ? std::string_view{} : element.substr(semicolon + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string name(trim(pair.substr(0, eq)));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    auto value = trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    if (name == "for") result.client = parse_node(value);
    if (name == "proto") result.scheme = std::string(value);
    if (name == "host") result.host = std::string(value);
  }
  return result;
}

// The hop that describes the original request: walking from the nearest
// proxy outwards, the first `for` that is not a trusted proxy (or the
// farthest, when every one is trusted).
std::optional<Forwarded> from_forwarded(const ProxyHeadersMiddleware::Trusted& trusted, const Request& request) {
  const auto values = request.headers().get_list("forwarded");
  if (values.empty()) return std::nullopt;
  std::vector<std::string_view> elements;
  for (const auto value : values)
    for (const auto element : split_list(value)) elements.push_back(element);
  std::optional<Forwarded> chosen;
  for (auto it = elements.rbegin(); it != elements.rend(); ++it) {
    chosen = parse_forwarded_element(*it);
    if (!chosen->client) return chosen;  // an unknown or hidden hop: nothing farther can be checked
    const auto address = parse_address(chosen->client->host);
    if (!address || !trusted.contains(*address)) return chosen;
  }
  return chosen;
}

std::vector<std::string_view> all_items(const Request& request, std::string_view header) {
  std::vector<std::string_view> items;
  for (const auto value : request.headers().get_list(header))
    for (const auto item : split_list(value)) items.push_back(item);
  return items;
}

// The item of a per-hop list that belongs to hop `hop` of `hops`: the same
// position when each proxy appended one, else the last (what the nearest set).
std::string item_of_hop(const std::vector<std::string_view>& items, std::size_t hops, std::size_t hop) {
  if (items.empty()) return "";
  return std::string(items.size() == hops ? items[hop] : items.back());
}

Forwarded from_x_forwarded(const ProxyHeadersMiddleware::Trusted& trusted, const Request& request) {
  Forwarded result;
  const auto hops = all_items(request, "x-forwarded-for");
  std::size_t chosen = hops.size();
  for (std::size_t i = hops.size(); i-- > 0;) {
    const auto node = parse_node(hops[i]);
    if (!node) break;  // garbage: what lies beyond it cannot be trusted
    result.client = node;
    chosen = i;
    if (!trusted.contains(*parse_address(node->host))) break;
  }
  const std::size_t hop = chosen == hops.size() ? (hops.empty() ? 0 : hops.size() - 1) : chosen;
  result.scheme = item_of_hop(all_items(request, "x-forwarded-proto"), hops.size(), hop);
  if (trusted.x_forwarded_host) result.host = item_of_hop(all_items(request, "x-forwarded-host"), hops.size(), hop);
  return result;
}

void apply(const Forwarded& forwarded, Request& request) {
  if (forwarded.client) detail::RequestAccess::set_client(request, *forwarded.client);
  URL& url = detail::RequestAccess::url(request);
  std::string scheme = forwarded.scheme;
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  if (scheme == "wss") scheme = "https";
  if (scheme == "ws") scheme = "http";
  if (scheme == "http" || scheme == "https") {
    // The port belonged to the proxy's side; the original one is in the host, if anywhere.
    if (url.scheme != scheme) url.port.reset();
    url.scheme = scheme;
  }
  if (is_valid_host(forwarded.host)) {
    const auto colon = forwarded.host.rfind(':');
    const auto bracket = forwarded.host.rfind(']');
    url.port.reset();
    url.host = forwarded.host;
    if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
      std::uint16_t port = 0;
      const auto digits = std::string_view(forwarded.host).substr(colon + 1);
      const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
      if (error == std::errc{} && end == digits.data() + digits.size()) url.port = port;
      url.host = forwarded.host.substr(0, colon);
    }
  }
}

awaitable<Response> with_proxy_headers(std::shared_ptr<const ProxyHeadersMiddleware::Trusted> trusted,
                                       std::shared_ptr<const Handler> next, Request& request) {
  const auto peer = parse_address(request.client().host);
  if (peer && trusted->contains(*peer)) {
    if (trusted->forwarded) {
      if (auto forwarded = from_forwarded(*trusted, request)) apply(*forwarded, request);
    } else {
      apply(from_x_forwarded(*trusted, request), request);
    }
  }
  co_return co_await (*next)(request);
}

}  // namespace

ProxyHeadersMiddleware::ProxyHeadersMiddleware(const ProxyHeadersOptions& options) {
  auto trusted = std::make_shared<Trusted>();
  trusted->x_forwarded_host = options.x_forwarded_host;
  trusted->forwarded = options.forwarded;
  for (const auto& entry : options.trusted_hosts) {
    const auto text = std::string(trim(entry));
    if (text == "*") {
      trusted->any = true;
      continue;
    }
    boost::system::error_code ec;
    if (text.find('/') != std::string::npos) {
      if (text.find(':') == std::string::npos) {
        const auto network = ip::make_network_v4(text, ec);
        if (!ec) trusted->v4.push_back(network.canonical());
      } else {
        const auto network = ip::make_network_v6(text, ec);
        if (!ec) trusted->v6.push_back(network.canonical());
      }
    } else if (const auto address = parse_address(text)) {
      if (address->is_v4())
        trusted->v4.emplace_back(address->to_v4(), 32);
      else
        trusted->v6.emplace_back(address->to_v6(), 128);
    } else {
      ec = make_error_code(boost::system::errc::invalid_argument);
    }
    if (ec)
      throw std::invalid_argument("ProxyHeadersMiddleware: trusted host '" + text +
                                  "' is not an IP address, a network like 10.0.0.0/8, or *");
  }
  trusted_ = std::move(trusted);
}

Handler ProxyHeadersMiddleware::operator()(Handler next) const {
  return [trusted = trusted_, next = std::make_shared<const Handler>(std::move(next))](Request& request) {
    return with_proxy_headers(trusted, next, request);
  };
}

}  // namespace starling

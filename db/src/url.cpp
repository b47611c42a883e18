#include <starling/db/url.hpp>

#include <boost/url/encode.hpp>
#include <boost/url/grammar/lut_chars.hpp>
#include <boost/url/ipv6_address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url_view.hpp>

namespace starling::db {
namespace {

constexpr std::string_view kObscured = "********";

// Hides the password of a URL that may not even parse, for error messages.
// Up to the last '@', not the first '/', '?' or '#': a password with those
// unencoded is what makes such a URL malformed. (An '@' further on, in the
// query, hides more than the password: better than showing it.)
std::string obscure_raw(std::string_view text) {
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return std::string(text);
  const auto authority_start = scheme_end + 3;
  const auto at = text.rfind('@');
  if (at == std::string_view::npos || at < authority_start) return std::string(text);
  const auto colon = text.find(':', authority_start);
  if (colon == std::string_view::npos || colon > at) return std::string(text);
  std::string hidden(text.substr(0, colon + 1));
  hidden += kObscured;
  hidden += text.substr(at);
  return hidden;
}

// "[::1]": written as it is; "[x" is a name that merely starts with a bracket.
bool is_ip_literal(std::string_view host) {
  return host.size() > 2 && host.front() == '[' && host.back() == ']' &&
         boost::urls::parse_ipv6_address(host.substr(1, host.size() - 2)).has_value();
}

[[noreturn]] void fail(std::string_view url, const std::string& problem) {
  throw InvalidDatabaseURL("invalid database URL '" + obscure_raw(url) + "': " + problem);
}

Dialect dialect_of(std::string_view url, const std::string& scheme) {
  if (scheme == "sqlite") return Dialect::sqlite;
  if (scheme == "postgresql" || scheme == "postgres") return Dialect::postgresql;
  fail(url, "unsupported scheme '" + scheme + "' (expected sqlite, postgresql or postgres)");
}

}  // namespace

DatabaseURL::DatabaseURL(std::string_view url) {
  const auto parsed = boost::urls::parse_uri(url);
  if (!parsed) fail(url, parsed.error().message());
  const boost::urls::url_view& view = *parsed;
  scheme_ = std::string(view.scheme());
  dialect_ = dialect_of(url, scheme_);
  username_ = view.user();
  password_ = view.password();
  hostname_ = view.host();
  if (view.has_port()) {
    if (view.port().empty() || view.port_number() == 0) fail(url, "the port must be a number from 1 to 65535");
    port_ = view.port_number();
  }
  if (view.has_fragment()) fail(url, "a database URL has no #fragment");
  // (Boost.URL 1.81 recurses until the stack overflows over the params of an empty query before a '#'.)
  for (const auto& param : view.encoded_query().empty() ? boost::urls::params_view() : view.params()) {
    if (param.key.empty()) {
      if (param.value.empty()) continue;  // a stray '&'
      fail(url, "an option without a name (a '=' right after '?' or '&')");
    }
    if (param.key == "host") {
      hostname_ = param.value;
      host_in_options_ = true;
    } else {
      options_[param.key] = param.value;
    }
  }
  // The path holds the database name after one '/': "sqlite:////abs.db" → "/abs.db".
  std::string path = view.path();
  if (!path.empty() && path.front() == '/') path.erase(0, 1);
  database_ = std::move(path);
  if (dialect_ == Dialect::sqlite) {
    if (!hostname_.empty()) fail(url, "a SQLite URL has no host: use sqlite:///relative.db or sqlite:////abs/path.db");
    if (database_.empty()) fail(url, "no database file: use sqlite:///notes.db or sqlite:///:memory:");
  } else if (database_.find('/') != std::string::npos) {
    fail(url, "a PostgreSQL database name cannot contain '/'");
  }
}

DatabaseURL DatabaseURL::replace(const URLChanges& changes) const {
  DatabaseURL copy = *this;
  if (changes.scheme) {
    copy.dialect_ = dialect_of(to_string(), *changes.scheme);
    copy.scheme_ = *changes.scheme;
  }
  if (changes.username) copy.username_ = *changes.username;
  if (changes.password) copy.password_ = *changes.password;
  if (changes.hostname) copy.hostname_ = *changes.hostname;
  if (changes.port) copy.port_ = *changes.port;
  if (changes.database) copy.database_ = *changes.database;
  return copy;
}

std::string DatabaseURL::render(bool obscure_password) const {
  const auto encode = [](std::string_view text) { return boost::urls::encode(text, boost::urls::unreserved_chars); };
  std::string out = scheme_ + "://";
  if (!username_.empty() || !password_.empty()) {
    out += encode(username_);
    if (!password_.empty()) {
      out += ':';
      out += obscure_password ? std::string(kObscured) : encode(password_);
    }
    out += "@";
  }
  // Encoded, so that what the parse decoded reads the same again ("%40" in a
  // host stays a character of it); an IP literal ("[::1]") is written as it is.
  if (!host_in_options_) out += is_ip_literal(hostname_) ? hostname_ : encode(hostname_);
  // Appended piece by piece: GCC 12 warns (-Wrestrict, falsely) on "x" + std::string.
  if (port_) {
    out += ':';
    out += std::to_string(*port_);
  }
  out += '/';
  static constexpr auto kPathChars = boost::urls::unreserved_chars + boost::urls::grammar::lut_chars("/:");
  out += boost::urls::encode(database_, kPathChars);
  std::string query;
  if (host_in_options_) {
    query += "host=";
    query += encode(hostname_);
  }
  for (const auto& [key, value] : options_) {
    // libpq also takes secrets as options (password, sslpassword): never print those either.
    const bool secret = obscure_password && key.find("password") != std::string::npos;
    if (!query.empty()) query += '&';
    query += encode(key);
    query += '=';
    query += secret ? std::string(kObscured) : encode(value);
  }
  if (!query.empty()) {
    out += '?';
    out += query;
  }
  return out;
}

}  // namespace starling::db

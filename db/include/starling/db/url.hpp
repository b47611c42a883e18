#pragma once
/// @file url.hpp
/// DatabaseURL: `sqlite:///notes.db`, `postgresql://user:pass@host:5432/name?sslmode=require`.

#include <starling/db/errors.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace starling::db {

enum class Dialect { sqlite, postgresql };

/// The parts `DatabaseURL::replace` changes; unset fields stay as they are.
struct URLChanges {
  std::optional<std::string> scheme;
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::optional<std::string> hostname;
  std::optional<std::uint16_t> port;
  std::optional<std::string> database;
};

/// A parsed database URL. Printing it (operator<<, to_string) obscures the password.
class DatabaseURL {
 public:
  /// Parses `url`. Accepted schemes: sqlite, postgresql, postgres.
  /// `sqlite:///relative.db`, `sqlite:////abs/path.db` and `sqlite:///:memory:`;
  /// user and password may be percent-encoded; `?host=/run/postgresql` is a Unix socket.
  /// @throws InvalidDatabaseURL naming the URL (password obscured) and the problem.
  explicit DatabaseURL(std::string_view url);
  explicit DatabaseURL(const std::string& url) : DatabaseURL(std::string_view(url)) {}
  explicit DatabaseURL(const char* url) : DatabaseURL(std::string_view(url)) {}

  const std::string& scheme() const { return scheme_; }
  Dialect dialect() const { return dialect_; }
  const std::string& username() const { return username_; }
  const std::string& password() const { return password_; }
  /// The host, or the `host` option's socket directory, or "" (the driver's default).
  const std::string& hostname() const { return hostname_; }
  std::optional<std::uint16_t> port() const { return port_; }
  /// The database name, or for SQLite the file path (":memory:" for memory).
  const std::string& database() const { return database_; }
  /// Query options other than `host`, e.g. {"sslmode": "require"}.
  const std::map<std::string, std::string>& options() const { return options_; }
  bool is_memory() const { return dialect_ == Dialect::sqlite && database_ == ":memory:"; }

  /// A copy with some parts changed: `url.replace({.database = "test_" + url.database()})`.
  DatabaseURL replace(const URLChanges& changes) const;

  /// The URL with the password replaced by "********": safe for logs and errors.
  std::string to_string() const { return render(true); }
  /// The full URL, password included: for drivers, never for logs.
  std::string to_string_with_password() const { return render(false); }

  friend bool operator==(const DatabaseURL& a, const DatabaseURL& b) { return a.render(false) == b.render(false); }

 private:
  DatabaseURL() = default;
  std::string render(bool obscure_password) const;

  std::string scheme_;
  Dialect dialect_ = Dialect::sqlite;
  std::string username_;
  std::string password_;
  std::string hostname_;
  std::optional<std::uint16_t> port_;
  std::string database_;
  std::map<std::string, std::string> options_;
  bool host_in_options_ = false;  // `?host=/path` rather than an authority
};

/// Writes `url.to_string()`: the password is obscured.
inline std::ostream& operator<<(std::ostream& out, const DatabaseURL& url) { return out << url.to_string(); }

}  // namespace starling::db

#pragma once
/// @file datastructures.hpp
/// Headers, query parameters, form data, state, URLs, and the settings types
/// Secret and CommaSeparatedStrings.

#include <any>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace starling {

/// An ordered multi-map of string pairs. Base of Headers, QueryParams, FormData (forms.hpp).
class MultiDict {
 public:
  using Item = std::pair<std::string, std::string>;

  MultiDict() = default;
  MultiDict(std::initializer_list<Item> items) : items_(items) {}
  explicit MultiDict(std::vector<Item> items) : items_(std::move(items)) {}

  /// The first value for `key`, if any.
  std::optional<std::string_view> get(std::string_view key) const;
  /// The first value for `key`, or `fallback`.
  std::string get(std::string_view key, std::string_view fallback) const;
  /// The first value for `key`. @throws std::out_of_range naming the key.
  const std::string& at(std::string_view key) const;
  /// Every value for `key`, in order.
  std::vector<std::string_view> get_list(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key) != nullptr; }

  /// Adds a value, keeping the ones already there.
  void append(std::string key, std::string value) { items_.emplace_back(std::move(key), std::move(value)); }
  /// Replaces every value for `key` with one.
  void set(std::string key, std::string value);
  /// Removes every value for `key`; returns how many were removed.
  std::size_t erase(std::string_view key);

  const std::vector<Item>& items() const { return items_; }
  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }

 protected:
  explicit MultiDict(bool case_insensitive) : case_insensitive_(case_insensitive) {}
  const std::string* find(std::string_view key) const;
  bool same_key(std::string_view a, std::string_view b) const;

  std::vector<Item> items_;
  bool case_insensitive_ = false;
};

/// HTTP headers: case-insensitive names, repeated names kept in order.
class Headers : public MultiDict {
 public:
  Headers() : MultiDict(true) {}
  Headers(std::initializer_list<Item> items) : MultiDict(true) { items_ = items; }
};

/// Query parameters, percent-decoded, multi-valued.
class QueryParams : public MultiDict {
 public:
  using MultiDict::MultiDict;
  /// Parses `a=1&b=2&a=3` (`+` is a space, `%XX` decoded).
  static QueryParams parse(std::string_view query);
  /// The `a=1&b=2` form, percent-encoded.
  std::string to_string() const;
};

namespace detail {
struct RequestAccess;  // sets a request's state to fall back to its app's
}  // namespace detail

/// A typed name for a State value: declared once, it gives `T` back without
/// naming the type again, and a mismatch cannot compile:
///
///     inline const StateKey<std::shared_ptr<Mailer>> kMailer{"mailer"};
///     app.state().set(kMailer, std::make_shared<Mailer>());   // at startup
///     request.state().get(kMailer)->send(...);                 // in an endpoint
template <class T>
struct StateKey {
  std::string name;
};

/// Arbitrary named values: `app.state()` and `request.state()`.
/// A request's state falls back to its app's: what startup hooks or the
/// lifespan put into `app.state()` is read through `request.state()` (as
/// Starlette's lifespan state), while what a request sets stays its own.
/// The app's state is for startup to write and requests to read: it has no lock.
class State {
 public:
  State() = default;
  /// A state whose lookups fall back to `fallback` (which must outlive it).
  explicit State(State* fallback) : fallback_(fallback) {}

  template <class T>
  void set(const std::string& key, T value) {
    values_[key] = std::move(value);
  }
  /// Text is kept as std::string, so `set("user", "ann")` reads back with get<std::string>.
  void set(const std::string& key, const char* value) { values_[key] = std::string(value); }
  template <class T>
  void set(const StateKey<T>& key, T value) {
    values_[key.name] = std::move(value);
  }

  /// @throws std::out_of_range naming the key if absent,
  ///         std::bad_any_cast-derived std::invalid_argument on a type mismatch.
  template <class T>
  T& get(const std::string& key) {
    auto* value = std::any_cast<T>(&lookup(key));
    if (!value) throw std::invalid_argument("state '" + key + "' holds another type");
    return *value;
  }
  template <class T>
  T& get(const StateKey<T>& key) {
    return get<T>(key.name);
  }
  /// Whether `key` is here or in the fallback.
  bool contains(const std::string& key) const {
    return values_.count(key) != 0 || (fallback_ && fallback_->contains(key));
  }
  /// Removes this state's own value (never the fallback's).
  void erase(const std::string& key) { values_.erase(key); }

 private:
  friend struct detail::RequestAccess;
  std::any& lookup(const std::string& key);
  std::map<std::string, std::any> values_;
  State* fallback_ = nullptr;
};

/// The parts of a request URL.
struct URL {
  std::string scheme = "http";
  std::string host;  ///< without the port
  std::optional<std::uint16_t> port;
  std::string path = "/";      ///< percent-decoded
  std::string raw_path = "/";  ///< as sent
  std::string query;           ///< raw, without '?'

  /// scheme://host[:port]/raw_path[?query]
  std::string to_string() const;
};

/// The peer of a connection.
struct Address {
  std::string host;
  std::uint16_t port = 0;
};

/// Percent-decodes `text`; `plus_as_space` for form/query encoding.
/// Invalid escapes are kept as they are.
std::string percent_decode(std::string_view text, bool plus_as_space = false);
/// Percent-encodes everything but unreserved characters (and `safe`).
std::string percent_encode(std::string_view text, std::string_view safe = "");

/// A string that never prints itself: `<<` and `to_string` show "**********".
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  /// The real value; the only way to get at it.
  const std::string& reveal() const { return value_; }
  /// Whether the value is empty (Starlette's `bool(secret)`, negated).
  bool empty() const { return value_.empty(); }
  /// Compares the values, without revealing them.
  friend bool operator==(const Secret&, const Secret&) = default;

 private:
  std::string value_;
};

/// Always "**********", whatever the value.
std::string to_string(const Secret& secret);
/// Writes "**********", never the value.
std::ostream& operator<<(std::ostream& out, const Secret& secret);

/// A list of strings read from "a, b,c": split on commas, items trimmed, empty items dropped.
class CommaSeparatedStrings {
 public:
  CommaSeparatedStrings() = default;
  /// Splits `value` on commas.
  explicit CommaSeparatedStrings(std::string_view value);
  /// Takes `items` as they are.
  explicit CommaSeparatedStrings(std::vector<std::string> items) : items_(std::move(items)) {}

  /// The items, in order; the rest of the interface is the usual read-only sequence.
  const std::vector<std::string>& items() const { return items_; }
  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  const std::string& operator[](std::size_t index) const { return items_[index]; }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }
  friend bool operator==(const CommaSeparatedStrings&, const CommaSeparatedStrings&) = default;

 private:
  std::vector<std::string> items_;
};

/// The items joined with ", ".
std::string to_string(const CommaSeparatedStrings& strings);
/// Writes to_string(strings).
std::ostream& operator<<(std::ostream& out, const CommaSeparatedStrings& strings);

}  // namespace starling

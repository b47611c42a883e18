#pragma once
/// @file config.hpp
/// Config: typed settings from the environment and a `.env` file (Starlette's
/// `starlette.config`), and the guarded `starling::environ`. The value types
/// it casts to, `Secret` and `CommaSeparatedStrings`, are in datastructures.hpp,
/// as in Starlette.

#include <starling/datastructures.hpp>

#include <concepts>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace starling {

/// A setting is missing, malformed in the `.env` file, or cannot be cast.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A key of an `Environ` was set or erased after a `Config` had read it.
class EnvironError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Environment variables that remember which keys were read, so a late write (a test
/// setting TESTING after the app read its config) fails loudly instead of being ignored.
/// Thread-safe.
class Environ {
 public:
  /// The process environment: `set` and `erase` also change it (setenv/unsetenv), so
  /// child code and child processes see them. constexpr so the global is ready before
  /// any other static initialiser reads it.
  constexpr Environ() noexcept = default;
  /// An isolated environment holding `values` that never touches the process
  /// environment, for tests: `auto env = Environ::isolated({{"PORT", "8000"}});`.
  static Environ isolated(std::map<std::string, std::string> values = {}) { return Environ(std::move(values)); }
  /// Not copyable: the read keys must be remembered in one place.
  Environ(const Environ&) = delete;
  Environ& operator=(const Environ&) = delete;

  /// The value of `key`, or nullopt; either way marks `key` as read.
  std::optional<std::string> get(std::string_view key) const;
  /// Whether `key` is set; marks `key` as read.
  bool contains(std::string_view key) const;
  /// @throws EnvironError if `key` has been read, or is empty or contains '='.
  void set(std::string_view key, std::string_view value);
  /// Removes `key` (no-op if absent).
  /// @throws EnvironError if `key` has been read.
  void erase(std::string_view key);

 private:
  // Private: a public one made `Environ({...})` ambiguous with the deleted copy constructor.
  explicit Environ(std::map<std::string, std::string> values) : isolated_(std::move(values)) {}
  void mark_read(std::string_view key) const;
  void check_writable(std::string_view key, std::string_view action) const;

  mutable std::mutex mutex_;
  std::optional<std::map<std::string, std::string>> isolated_;  // nullopt: the process environment
  // Sorted vector rather than std::set: keeps the default constructor constexpr.
  mutable std::vector<std::string> read_keys_;
};

/// The process environment, as read by every `Config` by default. Always write it
/// qualified: POSIX also declares a global `::environ`.
extern Environ environ;

namespace detail {
template <class T>
inline constexpr bool is_optional_v = false;
template <class T>
inline constexpr bool is_optional_v<std::optional<T>> = true;

template <class T>
concept standard_integer =
    std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, char> && !std::same_as<T, wchar_t> &&
    !std::same_as<T, char8_t> && !std::same_as<T, char16_t> && !std::same_as<T, char32_t>;

/// Config::get's T when the caller names none: the default's type, text as std::string.
struct from_default {};
template <class D>
inline constexpr bool is_text_v = std::is_convertible_v<const D&, std::string_view>;
template <class T, class D>
using value_type_t = std::conditional_t<!std::is_same_v<T, from_default>, T,
                                        std::conditional_t<is_text_v<D>, std::string, std::decay_t<D>>>;

/// @throws ConfigError naming key and value unless value is a bool spelling.
bool parse_bool(std::string_view key, std::string_view value);
/// @throws ConfigError naming key and value unless value is a whole integer in [min, max].
long long parse_signed(std::string_view key, std::string_view value, long long min, long long max);
/// @throws ConfigError naming key and value unless value is a whole integer in [0, max].
unsigned long long parse_unsigned(std::string_view key, std::string_view value, unsigned long long max);
/// Implemented for float, double and long double.
/// @throws ConfigError naming key and value unless value is a whole, in-range number.
template <std::floating_point T>
T parse_floating(std::string_view key, std::string_view value);
/// The ConfigError for a type whose constructor rejected `value` with `reason`.
ConfigError invalid_value(std::string_view key, std::string_view reason);
}  // namespace detail

/// Typed settings: the environment first, then the `.env` file, then the default.
/// Thread-safe once constructed.
class Config {
 public:
  /// Reads `env_file` now (a missing one is logged at debug level: containers have none);
  /// `env_prefix` is prepended to every key, as in Starlette.
  /// @throws ConfigError naming the file and line of a malformed line, or if it can't be read.
  explicit Config(std::filesystem::path env_file = {}, Environ& environ = starling::environ,
                  std::string env_prefix = "");

  /// The raw value of `env_prefix + key`: the environment, else the file, else nullopt.
  std::optional<std::string> lookup(std::string_view key) const;

  /// The value cast to T: std::string, an integer, a floating point, bool, Secret,
  /// CommaSeparatedStrings, std::vector<std::string>, any type constructible from
  /// std::string, or std::optional of one of those (nullopt when missing).
  /// @throws ConfigError if the key is missing (unless T is optional) or can't be cast.
  template <class T = std::string>
  T get(std::string_view key) const {
    if constexpr (detail::is_optional_v<T>) {
      auto value = lookup(key);
      return value ? cast<T>(key, *value) : T{};
    } else {
      return cast<T>(key, require(key));
    }
  }

  /// The value cast to T, or `fallback` when missing. As Starlette's
  /// `config(key, cast=T, default=...)`, a text default is cast exactly like a
  /// found value (`get<int>("PORT", "8000")`); any other default is a T already
  /// (`get<std::size_t>("WORKERS", 0)`). Without T, the default says it:
  /// `get("HOST", "localhost")` is a std::string, `get("PORT", 8000)` an int.
  /// @throws ConfigError if the value, or a text default, can't be cast.
  template <class T = detail::from_default, class Default, class R = detail::value_type_t<T, Default>>
  R get(std::string_view key, Default&& fallback) const {
    if (auto value = lookup(key)) return cast<R>(key, *value);
    if constexpr (detail::is_text_v<Default> && !std::is_same_v<R, std::string_view>) {
      return cast<R>(key, std::string(std::string_view(fallback)));
    } else {
      return R(std::forward<Default>(fallback));
    }
  }

  /// The `.env` path given to the constructor (empty: none).
  const std::filesystem::path& env_file() const { return env_file_; }
  /// The prefix prepended to every key.
  const std::string& env_prefix() const { return env_prefix_; }

 private:
  /// @throws ConfigError naming the key and where it was looked for.
  std::string require(std::string_view key) const;

  template <class T>
  T cast(std::string_view key, const std::string& value) const;

  std::filesystem::path env_file_;
  bool env_file_found_ = false;
  Environ* environ_;
  std::string env_prefix_;
  std::map<std::string, std::string, std::less<>> file_values_;
};

template <class T>
T Config::cast(std::string_view raw_key, const std::string& value) const {
  // Messages name the key as it was looked up, prefix included.
  const auto key = [&] { return env_prefix_ + std::string(raw_key); };
  if constexpr (detail::is_optional_v<T>) {
    return T(cast<typename T::value_type>(raw_key, value));
  } else if constexpr (std::same_as<T, std::string>) {
    return value;
  } else if constexpr (std::same_as<T, bool>) {
    return detail::parse_bool(key(), value);
  } else if constexpr (std::floating_point<T>) {
    return detail::parse_floating<T>(key(), value);
  } else if constexpr (detail::standard_integer<T>) {
    using limits = std::numeric_limits<T>;
    if constexpr (std::is_signed_v<T>)
      return static_cast<T>(detail::parse_signed(key(), value, limits::min(), limits::max()));
    else
      return static_cast<T>(detail::parse_unsigned(key(), value, limits::max()));
  } else if constexpr (std::same_as<T, Secret> || std::same_as<T, CommaSeparatedStrings>) {
    return T(value);  // cannot fail, and a Secret's value must not reach a message
  } else if constexpr (std::same_as<T, std::vector<std::string>>) {
    return CommaSeparatedStrings(value).items();
  } else if constexpr (std::constructible_from<T, std::string>) {
    try {
      return T(value);
    } catch (const ConfigError&) {
      throw;
    } catch (const std::exception& error) {
      throw detail::invalid_value(key(), error.what());
    }
  } else {
    static_assert(std::constructible_from<T, std::string>,
                  "Config::get<T>: T must be a string, number, bool, Secret, CommaSeparatedStrings, "
                  "std::vector<std::string>, or constructible from std::string");
  }
}

}  // namespace starling

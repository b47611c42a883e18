#pragma once
/// @file convertors.hpp
/// Path parameter convertors: `{name}`, `{id:int}`, `{x:float}`, `{x:uuid}`,
/// `{rest:path}`, and the ones an app registers:
///
///     register_convertor("slug", [](std::string_view text) {
///       return !text.empty() && text.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == text.npos;
///     });
///     Route("/posts/{slug:slug}", show_post)

#include <functional>
#include <string>
#include <string_view>

namespace starling {

namespace detail {
struct ConvertorDef;
}  // namespace detail

/// How a path parameter's text is recognised (a value type; compares by identity).
class Convertor {
 public:
  static const Convertor str;       ///< one segment, any text (the default)
  static const Convertor integer;   ///< digits, fitting an int64
  static const Convertor floating;  ///< digits with an optional fraction
  static const Convertor uuid;      ///< 8-4-4-4-12 hex digits
  static const Convertor path;      ///< the rest of the path, slashes included

  constexpr explicit Convertor(const detail::ConvertorDef* def) : def_(def) {}
  /// The name it is written with in a path template ("int").
  std::string_view name() const;
  /// Whether one path segment (or, for `path`, the rest of the path) is valid.
  bool matches(std::string_view text) const;
  bool operator==(const Convertor& other) const { return def_ == other.def_; }

 private:
  const detail::ConvertorDef* def_;
};

/// Registers a convertor for `{param:name}` in path templates: `matches` says
/// whether one path segment is valid (no match is a 404, as for the built-in
/// ones). Register before the routes that use it are made; a name cannot be
/// registered twice or replace a built-in one.
/// @throws std::invalid_argument naming the problem.
void register_convertor(std::string name, std::function<bool(std::string_view)> matches);

/// The convertor named in a path template (`"int"` → integer).
/// @throws std::invalid_argument naming an unknown convertor.
Convertor convertor_named(std::string_view name);

/// `convertor.matches(text)`.
inline bool convertor_matches(Convertor convertor, std::string_view text) { return convertor.matches(text); }

/// `convertor.name()`.
inline std::string_view convertor_name(Convertor convertor) { return convertor.name(); }

}  // namespace starling

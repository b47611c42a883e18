#pragma once
/// @file convertors.hpp
/// Path parameter convertors: `{name}`, `{id:int}`, `{x:float}`, `{x:uuid}`, `{rest:path}`.

#include <string>
#include <string_view>

namespace starling {

enum class Convertor { str, integer, floating, uuid, path };

/// The convertor named in a path template (`"int"` → integer).
/// @throws std::invalid_argument naming an unknown convertor.
Convertor convertor_named(std::string_view name);

/// Whether one path segment (or, for `path`, the rest of the path) is valid.
bool convertor_matches(Convertor convertor, std::string_view text);

/// The name a convertor is written with in a path template.
std::string_view convertor_name(Convertor convertor);

}  // namespace starling

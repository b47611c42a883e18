#include "path_template.hpp"

#include <stdexcept>

namespace starling::routing {

Segments split_path(std::string_view path) {
  Segments segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

std::vector<Segment> parse_template(std::string_view path) {
  const auto fail = [&](const std::string& problem) {
    throw std::invalid_argument("invalid route path '" + std::string(path) + "': " + problem);
  };
  if (path.empty() || path.front() != '/') fail("it must start with '/'");
  std::vector<Segment> segments;
  for (const auto part : split_path(path)) {
    if (!segments.empty() && segments.back().is_param && segments.back().convertor == Convertor::path)
      fail("a {name:path} parameter must be the last segment");
    const auto open = part.find('{');
    if (open == std::string_view::npos) {
      if (part.find('}') != std::string_view::npos) fail("unbalanced '}'");
      segments.push_back({std::string(part), false, Convertor::str});
      continue;
    }
    if (open != 0 || part.back() != '}')
      fail("a parameter must fill a whole segment, as in '/{name}' (got '" + std::string(part) + "')");
    const auto inner = part.substr(1, part.size() - 2);
    const auto colon = inner.find(':');
    const auto name = inner.substr(0, colon);
    if (name.empty()) fail("a parameter has no name");
    if (name.find_first_of("{}") != std::string_view::npos)
      fail("one parameter per segment ('" + std::string(part) + "')");
    const auto convertor = convertor_named(colon == std::string_view::npos ? "" : inner.substr(colon + 1));
    for (const auto& seen : segments)
      if (seen.is_param && seen.text == name) fail("parameter '" + std::string(name) + "' appears twice");
    segments.push_back({std::string(name), true, convertor});
  }
  return segments;
}

}  // namespace starling::routing

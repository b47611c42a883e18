#include "path_template.hpp"

#include <algorithm>
#include <cctype>
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

std::vector<Segment> parse_host_template(std::string_view host) {
  const auto fail = [&](const std::string& problem) {
    throw std::invalid_argument("invalid Host template '" + std::string(host) + "': " + problem);
  };
  if (host.empty()) fail("it is empty");
  int depth = 0;  // ':' inside braces names a convertor; outside, a scheme or a port
  for (const char c : host) {
    depth += c == '{' ? 1 : c == '}' ? -1 : 0;
    if (depth == 0 && (c == ':' || c == '/')) fail("give the host name alone, without scheme or port");
  }
  std::vector<Segment> labels;
  while (true) {
    const auto dot = host.find('.');
    const auto label = host.substr(0, dot);
    if (label.empty()) fail("it has an empty label");
    if (label.front() == '{') {
      if (label.back() != '}') fail("a parameter must fill a whole label, as in '{tenant}.example.com'");
      const auto inner = label.substr(1, label.size() - 2);
      const auto colon = inner.find(':');
      const auto name = inner.substr(0, colon);
      if (name.empty()) fail("a parameter has no name");
      const auto convertor = convertor_named(colon == std::string_view::npos ? "" : inner.substr(colon + 1));
      if (convertor == Convertor::path) fail("a host label cannot take the path convertor");
      labels.push_back({std::string(name), true, convertor});
    } else {
      if (label.find_first_of("{}") != std::string_view::npos)
        fail("unbalanced braces in '" + std::string(label) + "'");
      std::string lower(label);
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      labels.push_back({std::move(lower), false, Convertor::str});
    }
    if (dot == std::string_view::npos) return labels;
    host.remove_prefix(dot + 1);
  }
}

bool is_dns_label(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(),
                                      [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; });
}

bool host_matches(const std::vector<Segment>& labels, std::string_view host, std::vector<BoundLabel>& bound) {
  const auto start = bound.size();
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto dot = host.find('.');
    if ((dot == std::string_view::npos) != (i + 1 == labels.size())) break;
    std::string label(host.substr(0, dot));
    for (auto& c : label) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool fits =
        labels[i].is_param ? is_dns_label(label) && labels[i].convertor.matches(label) : label == labels[i].text;
    if (!fits) break;
    if (labels[i].is_param) bound.push_back({labels[i].text, std::move(label), labels[i].convertor});
    if (i + 1 == labels.size()) return true;
    host.remove_prefix(dot + 1);
  }
  bound.resize(start);
  return false;
}

}  // namespace starling::routing

#include "router.hpp"

namespace starling::routing {
namespace {

std::string describe(const PathArgs& params) {
  std::string out = "{";
  for (const auto& [name, value] : params) {
    if (out.size() > 1) out += ", ";
    out += name;
  }
  return out + "}";
}

std::string expected_params(const CompiledRoute& route) {
  std::string out = "{";
  for (const auto* segments : {&route.host_labels, &route.segments}) {
    for (const auto& segment : *segments) {
      if (!segment.is_param) continue;
      if (out.size() > 1) out += ", ";
      out += segment.text;
    }
  }
  return out + "}";
}

// Every parameter of the path and of the host given, and nothing else.
bool params_fit(const CompiledRoute& route, const PathArgs& params) {
  std::size_t expected = 0;
  for (const auto* segments : {&route.host_labels, &route.segments}) {
    for (const auto& segment : *segments) {
      if (!segment.is_param) continue;
      ++expected;
      if (params.find(segment.text) == params.end()) return false;
    }
  }
  return expected == params.size();
}

const std::string& checked_value(const CompiledRoute& route, const Segment& segment, const PathArgs& params) {
  const auto& value = params.find(segment.text)->second.text();
  if (!convertor_matches(segment.convertor, value))
    throw NoMatchFound("parameter '" + segment.text + "' of route '" + route.name + "' must be " +
                       std::string(convertor_name(segment.convertor)) + ", got '" + value + "'");
  return value;
}

std::string build_path(const CompiledRoute& route, const PathArgs& params) {
  std::string path;
  for (const auto& segment : route.segments) {
    path += '/';
    if (!segment.is_param) {
      path += segment.text;
      continue;
    }
    const auto& value = checked_value(route, segment, params);
    path += percent_encode(value, segment.convertor == Convertor::path ? "/" : "");
  }
  return path;
}

std::string build_host(const CompiledRoute& route, const PathArgs& params) {
  std::string host;
  for (const auto& label : route.host_labels) {
    if (!host.empty()) host += '.';
    if (!label.is_param) {
      host += label.text;
      continue;
    }
    const auto& value = checked_value(route, label, params);
    // Pasted into a URL's authority: anything but a DNS label could move it elsewhere.
    if (!is_dns_label(value))
      throw NoMatchFound("host parameter '" + label.text + "' of route '" + route.name +
                         "' must be a DNS label (letters, digits, '-'), got '" + value + "'");
    host += value;
  }
  return host;
}

}  // namespace

const CompiledRoute& Router::find_named(std::string_view name, const PathArgs& params) const {
  const CompiledRoute* named = nullptr;
  for (const auto& route : routes_) {
    if (route->name != name) continue;
    named = route.get();
    if (params_fit(*route, params)) return *route;
  }
  if (!named) throw NoMatchFound("no route named '" + std::string(name) + "'");
  throw NoMatchFound("route '" + std::string(name) + "' expects parameters " + expected_params(*named) + ", got " +
                     describe(params));
}

std::string Router::url_path_for(std::string_view name, const PathArgs& params) const {
  return build_path(find_named(name, params), params);
}

std::string Router::url_host_for(std::string_view name, const PathArgs& params) const {
  return build_host(find_named(name, params), params);
}

}  // namespace starling::routing

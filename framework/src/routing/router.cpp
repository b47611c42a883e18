#include "router.hpp"
#include "request_access.hpp"

#include <algorithm>
#include <functional>

namespace starling::routing {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

struct Router::Node {
  std::unordered_map<std::string, std::unique_ptr<Node>, StringHash, std::equal_to<>> literals;
  struct Param {
    std::string name;
    Convertor convertor;
    std::unique_ptr<Node> child;
  };
  std::vector<Param> params;                 // tried in declaration order
  std::vector<const CompiledRoute*> routes;  // routes ending here, in declaration order
};

// The state of one match: the segments, the parameters bound so far, the answer.
struct Router::Walk {
  Segments segments;
  std::string_view path;
  std::string_view method;
  bool websocket = false;  // a handshake: only WebSocket routes match
  boost::container::small_vector<std::pair<const Node::Param*, std::string_view>, 4> bound;
  const CompiledRoute* found = nullptr;
  std::vector<std::string_view> allowed;
};

Router::Router(const Routes& routes) : root_(std::make_unique<Node>()) { add(routes, "", ""); }
Router::~Router() = default;

void Router::add(const Routes& routes, const std::string& prefix, const std::string& name_prefix) {
  for (const auto& entry : routes) {
    if (const auto* mount = entry.mount(); mount && mount->app()) {
      auto compiled = std::make_unique<CompiledRoute>();
      compiled->path = prefix + mount->path() + "/{path:path}";
      compiled->name = mount->name().empty() ? std::string{} : name_prefix + mount->name();
      compiled->endpoint = mount->app();
      compiled->any_method = true;
      compiled->segments = parse_template(compiled->path);
      insert(*compiled);
      routes_.push_back(std::move(compiled));
      continue;
    }
    if (const auto* mount = entry.mount()) {
      const std::string names = mount->name().empty() ? name_prefix : name_prefix + mount->name() + ":";
      add(mount->routes(), prefix + mount->path(), names);
      continue;
    }
    if (const auto* websocket = entry.websocket_route()) {
      auto compiled = std::make_unique<CompiledRoute>();
      compiled->path = prefix + websocket->path();
      compiled->name = websocket->name().empty() ? std::string{} : name_prefix + websocket->name();
      compiled->websocket = websocket;
      compiled->segments = parse_template(compiled->path);
      insert(*compiled);
      routes_.push_back(std::move(compiled));
      continue;
    }
    const Route& route = *entry.route();
    auto compiled = std::make_unique<CompiledRoute>();
    compiled->path = prefix + route.path();
    compiled->name = route.name().empty() ? std::string{} : name_prefix + route.name();
    compiled->methods = route.methods();
    compiled->endpoint = route.endpoint();
    compiled->max_body_size = route.max_body_size();
    compiled->segments = parse_template(compiled->path);
    insert(*compiled);
    routes_.push_back(std::move(compiled));
  }
}

void Router::insert(const CompiledRoute& route) {
  Node* node = root_.get();
  for (const auto& segment : route.segments) {
    if (!segment.is_param) {
      auto& child = node->literals[segment.text];
      if (!child) child = std::make_unique<Node>();
      node = child.get();
      continue;
    }
    auto same = std::find_if(node->params.begin(), node->params.end(), [&](const Node::Param& p) {
      return p.name == segment.text && p.convertor == segment.convertor;
    });
    if (same == node->params.end()) {
      node->params.push_back({segment.text, segment.convertor, std::make_unique<Node>()});
      same = std::prev(node->params.end());
    }
    node = same->child.get();
  }
  node->routes.push_back(&route);
}

// Depth-first: literals before parameters, parameters in declaration order.
// Returns true once a route accepting the method is found; routes that match
// the path only are remembered for the 405's Allow header.
bool Router::walk(const Node& node, std::size_t index, Walk& state) const {
  if (index == state.segments.size()) {
    for (const auto* route : node.routes) {
      if ((route->websocket != nullptr) != state.websocket) continue;
      if (state.websocket || route->any_method ||
          std::find(route->methods.begin(), route->methods.end(), state.method) != route->methods.end()) {
        state.found = route;
        return true;
      }
      for (const auto& method : route->methods)
        if (std::find(state.allowed.begin(), state.allowed.end(), method) == state.allowed.end())
          state.allowed.push_back(method);
    }
    return false;
  }
  const auto segment = state.segments[index];
  if (const auto literal = node.literals.find(segment); literal != node.literals.end())
    if (walk(*literal->second, index + 1, state)) return true;
  for (const auto& param : node.params) {
    if (param.convertor == Convertor::path) {
      // The rest of the path, slashes included, from this segment on.
      const auto offset = static_cast<std::size_t>(segment.data() - state.path.data());
      state.bound.emplace_back(&param, state.path.substr(offset));
      if (walk(*param.child, state.segments.size(), state)) return true;
      state.bound.pop_back();
      continue;
    }
    if (!convertor_matches(param.convertor, segment)) continue;
    state.bound.emplace_back(&param, segment);
    if (walk(*param.child, index + 1, state)) return true;
    state.bound.pop_back();
  }
  return false;
}

MatchResult Router::match(Request& request) const {
  Walk state;
  state.path = request.path();
  state.segments = split_path(state.path);
  state.method = request.method();
  state.websocket = request.is_websocket();
  MatchResult result;
  if (walk(*root_, 0, state)) {
    result.outcome = Outcome::found;
    result.route = state.found;
    PathParams params;
    for (const auto& [param, value] : state.bound) params.add(param->name, std::string(value), param->convertor);
    detail::RequestAccess::set_path_params(request, std::move(params));
    if (state.found->max_body_size) request.set_max_body_size(*state.found->max_body_size);
    return result;
  }
  if (!state.allowed.empty()) {
    result.outcome = Outcome::method_not_allowed;
    for (const auto& method : state.allowed) {
      if (!result.allow.empty()) result.allow += ", ";
      result.allow += method;
    }
  }
  return result;
}

bool Router::matches_path(std::string_view path) const {
  Walk state;
  state.path = path;
  state.segments = split_path(path);
  state.method = "\n";  // only a mounted app accepts it; other path matches land in `allowed`
  return walk(*root_, 0, state) || !state.allowed.empty();
}

}  // namespace starling::routing

#include "router.hpp"

#include "app/exception_guard.hpp"
#include "request_access.hpp"
#include "websockets/run_endpoint.hpp"

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
  std::string_view host;               // the request's host, for routes under a Host
  bool websocket = false;              // a handshake: only WebSocket routes match
  std::vector<BoundLabel> host_bound;  // the found route's host parameters
  boost::container::small_vector<std::pair<const Node::Param*, std::string_view>, 4> bound;
  const CompiledRoute* found = nullptr;
  std::vector<std::string_view> allowed;
};

Router::Router(const Routes& routes) : root_(std::make_unique<Node>()) { add(routes, Scope{}); }
Router::~Router() = default;

namespace {

std::string full_name(const std::string& name_prefix, const std::string& name) {
  return name.empty() ? std::string{} : name_prefix + name;
}

// A Mount's middleware and exception handlers, as one layer around each route under it.
std::function<Handler(Handler)> mount_layer(const Mount& mount) {
  auto handlers = std::make_shared<const std::vector<ExceptionHandler>>(mount.exception_handlers());
  return [middleware = mount.middleware(), handlers](Handler handler) {
    if (!handlers->empty()) handler = app::exception_guard(handlers, std::move(handler));
    for (auto it = middleware.rbegin(); it != middleware.rend(); ++it) handler = (*it)(std::move(handler));
    return handler;
  };
}

}  // namespace

void Router::add_route(std::unique_ptr<CompiledRoute> route, const Handler& endpoint, const Scope& scope) {
  Handler handler = endpoint;
  for (auto it = scope.layers.rbegin(); it != scope.layers.rend(); ++it) handler = (*it)(std::move(handler));
  route->endpoint = std::move(handler);
  route->segments = parse_template(route->path);
  route->host_labels = scope.host_labels;
  insert(*route);
  routes_.push_back(std::move(route));
}

void Router::add(const Routes& routes, const Scope& scope) {
  for (const auto& entry : routes) {
    if (const auto* host = entry.host()) {
      Scope inner = scope;
      inner.name_prefix = host->name().empty() ? scope.name_prefix : scope.name_prefix + host->name() + ":";
      inner.host_labels = parse_host_template(host->host());
      add(host->routes(), inner);
      continue;
    }
    if (const auto* mount = entry.mount(); mount && mount->app()) {
      auto compiled = std::make_unique<CompiledRoute>();
      compiled->path = scope.prefix + mount->path() + "/{path:path}";
      compiled->name = full_name(scope.name_prefix, mount->name());
      compiled->any_method = true;
      add_route(std::move(compiled), mount->app(), scope);
      continue;
    }
    if (const auto* mount = entry.mount()) {
      Scope inner = scope;
      inner.prefix = scope.prefix + mount->path();
      inner.name_prefix = mount->name().empty() ? scope.name_prefix : scope.name_prefix + mount->name() + ":";
      if (!mount->middleware().empty() || !mount->exception_handlers().empty())
        inner.layers.push_back(mount_layer(*mount));
      add(mount->routes(), inner);
      continue;
    }
    if (const auto* websocket = entry.websocket_route()) {
      auto compiled = std::make_unique<CompiledRoute>();
      compiled->path = scope.prefix + websocket->path();
      compiled->name = full_name(scope.name_prefix, websocket->name());
      compiled->websocket = websocket;
      Handler endpoint = [websocket](Request& request) { return websockets::run_endpoint(request, *websocket); };
      const auto& middleware = websocket->middleware();
      for (auto it = middleware.rbegin(); it != middleware.rend(); ++it) endpoint = (*it)(std::move(endpoint));
      add_route(std::move(compiled), endpoint, scope);
      continue;
    }
    const Route& route = *entry.route();
    auto compiled = std::make_unique<CompiledRoute>();
    compiled->path = scope.prefix + route.path();
    compiled->name = full_name(scope.name_prefix, route.name());
    compiled->methods = route.methods();
    compiled->max_body_size = route.max_body_size();
    add_route(std::move(compiled), route.handler(), scope);
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
      state.host_bound.clear();
      if (!route->host_labels.empty() && !host_matches(route->host_labels, state.host, state.host_bound)) continue;
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
  state.host = request.url().host;
  state.websocket = request.is_websocket();
  MatchResult result;
  if (walk(*root_, 0, state)) {
    result.outcome = Outcome::found;
    result.route = state.found;
    PathParams params;
    for (auto& label : state.host_bound) params.add(std::move(label.name), std::move(label.value), label.convertor);
    for (const auto& [param, value] : state.bound) params.add(param->name, std::string(value), param->convertor);
    detail::RequestAccess::set_path_params(request, std::move(params));
    detail::RequestAccess::set_route_path(request, state.found->path);
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

bool Router::matches_path(std::string_view path, std::string_view host) const {
  Walk state;
  state.path = path;
  state.host = host;
  state.segments = split_path(path);
  state.method = "\n";  // only a mounted app accepts it; other path matches land in `allowed`
  return walk(*root_, 0, state) || !state.allowed.empty();
}

}  // namespace starling::routing

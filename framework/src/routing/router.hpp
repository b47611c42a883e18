#pragma once
// The route table compiled into a segment trie: a request walks one node per
// path segment (hash lookup for literals, convertor check for parameters)
// instead of running a regex per route.

#include <starling/request.hpp>
#include <starling/routing.hpp>

#include "path_template.hpp"

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace starling::routing {

struct CompiledRoute {
  std::string path;  ///< full template, mount prefixes included
  std::string name;  ///< full name, "mount:route"
  std::vector<std::string> methods;
  Handler endpoint;                           ///< the route's endpoint inside its own and its mounts' layers
  bool any_method = false;                    ///< a mounted app: it answers (or refuses) every method itself
  const WebSocketRoute* websocket = nullptr;  ///< set for a WebSocket route, matched by handshakes only
  std::optional<std::size_t> max_body_size;
  std::vector<Segment> segments;
  std::vector<Segment> host_labels;  ///< under a Host: the labels the request's host must fit
};

enum class Outcome { found, method_not_allowed, not_found };

struct MatchResult {
  Outcome outcome = Outcome::not_found;
  const CompiledRoute* route = nullptr;
  std::string allow;  ///< for method_not_allowed: every method the path accepts
};

class Router {
 public:
  explicit Router(const Routes& routes);
  ~Router();

  /// Matches the request's path and method; on success fills its path params.
  MatchResult match(Request& request) const;
  /// Whether any route (any method) on `host` matches `path`.
  bool matches_path(std::string_view path, std::string_view host) const;
  /// @throws NoMatchFound
  std::string url_path_for(std::string_view name, const PathArgs& params) const;
  /// The host of the route called `name` when it is under a Host, else "".
  /// @throws NoMatchFound
  std::string url_host_for(std::string_view name, const PathArgs& params) const;

 private:
  struct Node;
  struct Walk;
  /// What the enclosing Mounts and Host give the routes under them.
  struct Scope {
    std::string prefix;
    std::string name_prefix;
    std::vector<Segment> host_labels;
    std::vector<std::function<Handler(Handler)>> layers;  ///< outermost first
  };
  void add(const Routes& routes, const Scope& scope);
  void add_route(std::unique_ptr<CompiledRoute> route, const Handler& endpoint, const Scope& scope);
  const CompiledRoute& find_named(std::string_view name, const PathArgs& params) const;
  void insert(const CompiledRoute& route);
  bool walk(const Node& node, std::size_t index, Walk& state) const;

  std::vector<std::unique_ptr<CompiledRoute>> routes_;
  std::unique_ptr<Node> root_;
};

}  // namespace starling::routing

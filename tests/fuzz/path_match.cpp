// Path matching with typed parameters: a request path (percent-decoded as the
// server decodes it) walked through a route table of every convertor, and
// url_path_for given back what matched must build a path that matches again.
#include "fuzz_input.hpp"
#include "routing/router.hpp"

#include <starling/request.hpp>
#include <starling/responses.hpp>
#include <starling/routing.hpp>

#include <cstdlib>

namespace {

starling::awaitable<starling::Response> endpoint(starling::Request&) { co_return starling::PlainTextResponse("x"); }

const starling::routing::Router& router() {
  using starling::Mount;
  using starling::Route;
  static const starling::routing::Router table({
      Route("/notes/{id:int}", endpoint, {"GET", "PUT"}, "note"),
      Route("/notes/{id:int}/tags/{tag}", endpoint, {}, "tag"),
      Route("/prices/{value:float}", endpoint, {}, "price"),
      Route("/users/{uid:uuid}", endpoint, {}, "user"),
      Route("/files/{rest:path}", endpoint, {}, "file"),
      Mount("/api/{version:int}", {Route("/items/{name:str}", endpoint, {}, "item")}, "api"),
  });
  return table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  starling::fuzz::Input input(data, size);
  const bool put = input.byte() & 1;
  starling::RequestParts parts;
  parts.method = put ? "PUT" : "GET";
  parts.target = std::string(input.rest());
  if (parts.target.empty() || parts.target.front() != '/') parts.target.insert(0, "/");
  starling::Request request(std::move(parts));
  const auto match = router().match(request);
  if (match.outcome != starling::routing::Outcome::found) return 0;
  // What matched builds a path that matches the same route again.
  starling::PathArgs args;
  for (const auto& param : request.path_params().items()) args.emplace(param.name, param.value);
  const auto path = router().url_path_for(match.route->name, args);
  starling::RequestParts again;
  again.method = request.method();
  again.target = path;
  starling::Request second(std::move(again));
  const auto rematch = router().match(second);
  if (rematch.route != match.route) std::abort();
  return 0;
}

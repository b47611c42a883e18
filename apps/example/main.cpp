// A minimal Starling app: routes, a path parameter, JSON, Config.
#include <starling/starling.hpp>

using namespace starling;

awaitable<Response> homepage(Request&) { co_return JSONResponse({{"hello", "world"}}); }

awaitable<Response> greet(Request& request) {
  co_return PlainTextResponse("Hello, " + request.path_params()["name"] + "!\n");
}

int main() {
  Config config(".env");  // environment variables override .env
  log::set_level(log::level_from_string(config.get<std::string>("LOG_LEVEL", "info")));
  App app({
      .routes = {Route("/", homepage), Route("/hello/{name}", greet, {"GET"}, "greet")},
      .debug = config.get<bool>("DEBUG", false),
  });
  return serve(app, {.host = config.get<std::string>("HOST", "127.0.0.1"),
                     .port = config.get<std::uint16_t>("PORT", 8000),
                     .threads = config.get<std::size_t>("WORKERS", 0),
                     .access_log = true});
}

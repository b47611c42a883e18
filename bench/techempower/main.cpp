// TechEmpower's seven tests, written as a Starling app is: Routes,
// JSONResponse, a Database and its pool, bound SQL. On a fresh database it
// creates and fills its tables first.
//   techempower [--host H] [--port P] [--database-url URL] [--threads N] [--pool-size N]
//               [--keep-alive-timeout SECONDS] [--max-connections N] [--metrics]
#include "fortunes.hpp"
#include "seed.hpp"
#include "world.hpp"

#include <starling/db.hpp>
#include <starling/db_http.hpp>
#include <starling/metrics.hpp>
#include <starling/starling.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <thread>

using namespace starling;

namespace {

Response plaintext(Request&) { return PlainTextResponse("Hello, World!"); }

}  // namespace

int main(int argc, char** argv) {
  ServerOptions server{.host = "127.0.0.1", .port = 8080, .threads = 0, .access_log = false};
  std::string database_url = "sqlite:///techempower.db";
  std::size_t pool_size = 0;
  CLI::App cli{"TechEmpower's benchmark tests, served by Starling."};
  cli.add_option("--host", server.host, "Address to listen on")->capture_default_str();
  cli.add_option("--port", server.port, "Port to listen on")->capture_default_str();
  cli.add_option("--threads", server.threads, "Event-loop threads, 0 = one per core")->capture_default_str();
  cli.add_option("--database-url", database_url, "sqlite:///FILE or postgresql://...")->capture_default_str();
  cli.add_option("--pool-size", pool_size, "Database connections at most, 0 = twice the threads' count");
  cli.add_option("--max-connections", server.max_connections, "Open connections at most")->capture_default_str();
  std::size_t keep_alive_seconds = 5;
  cli.add_option("--keep-alive-timeout", keep_alive_seconds, "Seconds an idle connection stays open")
      ->capture_default_str();
  bool metrics_on = false;
  cli.add_flag("--metrics", metrics_on, "Count and time requests, served at /metrics (bench/run measures the cost)");
  CLI11_PARSE(cli, argc, argv);
  server.keep_alive_timeout = std::chrono::seconds(keep_alive_seconds);

  try {
    const db::DatabaseURL url(database_url);
    techempower::seed(url);
    const std::size_t threads = server.threads ? server.threads : std::max(1u, std::thread::hardware_concurrency());
    db::Database database(url, {.max_size = pool_size ? pool_size : 2 * threads});
    techempower::WorldCache cache;
    auto routes = techempower::world_routes(database, cache);
    routes.push_back(
        Route("/plaintext", [](Request& request) -> awaitable<Response> { co_return plaintext(request); }, {"GET"}));
    routes.push_back(Route("/json",
                           [](Request&) -> awaitable<Response> {
                             co_return JSONResponse({{"message", "Hello, World!"}});
                           },  // per request
                           {"GET"}));
    routes.push_back(techempower::fortunes_route(database));
    Metrics metrics;
    std::vector<Middleware> middleware;
    if (metrics_on) {
      metrics.add_collector(pool_metrics(database));
      routes.push_back(Route("/metrics", metrics.endpoint(), {"GET"}));
      middleware.push_back(metrics.middleware());
    }
    App app({.routes = std::move(routes),
             .middleware = std::move(middleware),
             .on_startup = {[&]() -> awaitable<void> {
               co_await database.connect();
               co_await cache.load(database);
             }},
             .on_shutdown = {[&] { return database.disconnect(); }}});
    log::info("techempower: database " + url.to_string());
    return serve(app, server);
  } catch (const std::exception& error) {
    std::cerr << "techempower: " << error.what() << "\n";
    return 1;
  }
}

#include "app.hpp"

#include "access.hpp"
#include "handlers.hpp"

#include <starling/db_http.hpp>
#include <starling/openapi.hpp>

namespace notes {
namespace {

starling::db::DatabaseOptions database_options(const Settings& settings) {
  return {.force_rollback = settings.testing,
          .max_size = settings.pool_size,
          .acquire_timeout = settings.pool_timeout,
          .statement_timeout = settings.statement_timeout};
}

starling::OpenAPIInfo openapi_info() {
  return {.title = "Notes",
          .version = NOTES_VERSION,
          .description = "The Starlette database example's notes service, in Starling.",
          .security_schemes = {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}};
}

// The metrics middleware goes first, so it times the others too.
std::vector<starling::Middleware> app_middleware(const Settings& settings, const starling::Metrics& metrics) {
  std::vector<starling::Middleware> middleware;
  if (settings.metrics) middleware.push_back(metrics.middleware());
  for (auto& layer : access_middleware(settings)) middleware.push_back(std::move(layer));
  return middleware;
}

starling::Routes app_routes(starling::db::Database& database, LiveNotes& live, const Settings& settings,
                            const starling::Metrics& metrics) {
  const bool guarded = !settings.api_token.empty();
  auto table = routes(database, live, settings.static_dir, guarded);
  if (settings.metrics) {
    auto metrics_route = starling::Route("/metrics", metrics_reader(metrics.endpoint()), {"GET"}, "metrics")
                             .summary("Prometheus metrics (text format)")
                             .response(200, "Requests, latency and the database pool");
    table.push_back(guarded ? std::move(metrics_route.security("bearer")) : std::move(metrics_route));
  }
  table.push_back(starling::Route("/openapi.json", starling::openapi_endpoint(openapi_info()), {"GET"}, "openapi")
                      .summary("This document")
                      .response(200, "OpenAPI 3.1"));
  return table;
}

}  // namespace

NotesApp::NotesApp(Settings settings)
    : settings_(std::move(settings)),
      database_(settings_.effective_database_url(), database_options(settings_)),
      app_({
          .routes = app_routes(database_, live_, settings_, metrics_),
          .middleware = app_middleware(settings_, metrics_),
          .exception_handlers = starling::database_error_handlers(),
          .on_startup = {[this] { return database_.connect(); }},
          .on_shutdown = {[this] { return database_.disconnect(); }},
          .debug = settings_.debug,
      }) {
  metrics_.add_collector(starling::pool_metrics(database_, "notes"));
}

}  // namespace notes

#include "app.hpp"

#include "access.hpp"
#include "handlers.hpp"

#include <starling/db_http.hpp>

namespace notes {
namespace {

starling::db::DatabaseOptions database_options(const Settings& settings) {
  return {.force_rollback = settings.testing,
          .max_size = settings.pool_size,
          .acquire_timeout = settings.pool_timeout,
          .statement_timeout = settings.statement_timeout};
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
  auto table = routes(database, live, settings.static_dir);
  if (settings.metrics)
    table.push_back(starling::Route("/metrics", metrics_reader(metrics.endpoint()), {"GET"}, "metrics"));
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

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

}  // namespace

NotesApp::NotesApp(Settings settings)
    : settings_(std::move(settings)),
      database_(settings_.effective_database_url(), database_options(settings_)),
      app_({
          .routes = routes(database_, live_, settings_.static_dir),
          .middleware = access_middleware(settings_),
          .exception_handlers = starling::database_error_handlers(),
          .on_startup = {[this] { return database_.connect(); }},
          .on_shutdown = {[this] { return database_.disconnect(); }},
          .debug = settings_.debug,
      }) {}

}  // namespace notes

#pragma once
// The notes service: its Database and its App, built from Settings. As in the
// reference: connect on startup, disconnect on shutdown (the schema is the
// migrations' job: `notes db upgrade head`, or `notes serve --migrate`); with TESTING, the test database in
// force_rollback mode. With METRICS, Prometheus metrics at /metrics.

#include "live.hpp"
#include "settings.hpp"

#include <starling/application.hpp>
#include <starling/db/database.hpp>
#include <starling/metrics.hpp>

namespace notes {

class NotesApp {
 public:
  explicit NotesApp(Settings settings);
  NotesApp(const NotesApp&) = delete;
  NotesApp& operator=(const NotesApp&) = delete;

  starling::App& app() { return app_; }
  starling::db::Database& database() { return database_; }
  LiveNotes& live() { return live_; }
  const Settings& settings() const { return settings_; }

 private:
  Settings settings_;
  starling::db::Database database_;
  LiveNotes live_;
  starling::Metrics metrics_;  // served at /metrics with METRICS=true
  starling::App app_;
};

}  // namespace notes

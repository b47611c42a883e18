// `notes`: the notes service's command line.
//   notes serve [--host H] [--port P] [--threads N] [--migrate]   serve HTTP
//   notes db upgrade|downgrade|current|history|heads|stamp|check|revision ...
// Settings come from the environment, then `.env`, then defaults (.env.example).
#include "app.hpp"
#include "migrations.hpp"
#include "tables.hpp"

#include <starling/db/migrations_cli.hpp>
#include <starling/db/reflection.hpp>
#include <starling/logging.hpp>
#include <starling/server.hpp>

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

namespace {

namespace db = starling::db;

bool has_tables(const db::DatabaseURL& url) {
  if (url.dialect() == db::Dialect::sqlite && !std::filesystem::exists(url.database())) return false;
  return !db::reflect(url).tables.empty();
}

// A server on a schema older (or newer) than its code would fail request by
// request; it refuses to start instead, saying what to run.
void prepare_schema(const db::DatabaseURL& url, bool migrate) {
  if (url.is_memory())
    throw db::MigrationError(
        "a :memory: database lives and dies with one connection, so it cannot be migrated "
        "before serving: use a file (DATABASE_URL=sqlite:///notes.db)");
  if (db::current(url, notes::migrations()).empty() && has_tables(url))
    throw db::MigrationError("the database " + url.to_string() +
                             " has tables but no migration history (made before migrations, by create_all?): if it "
                             "holds revision 0001_notes's notes table, run `notes db stamp 0001_notes`, then "
                             "`notes db upgrade head`");
  if (migrate) {
    db::upgrade(url, notes::migrations(), "head",
                {.on_step = [](std::string_view step) { starling::log::info("notes: " + std::string(step)); }});
    return;
  }
  if (db::is_at_head(url, notes::migrations())) return;
  std::string at;
  for (const auto& id : db::current(url, notes::migrations())) at += (at.empty() ? "" : ", ") + id;
  throw db::MigrationError("the database " + url.to_string() + " is at " + (at.empty() ? "base (no tables)" : at) +
                           ", not at the head revision: run `notes db upgrade head` (or `notes serve --migrate`)");
}

}  // namespace

int main(int argc, char** argv) {
  notes::Settings settings;
  const db::Migrations* migrations = nullptr;
  try {
    settings = notes::load_settings(starling::Config(".env"));
    starling::log::set_level(starling::log::level_from_string(settings.log_level));
    starling::log::set_format(starling::log::format_from_string(settings.log_format));
    migrations = &notes::migrations();  // a broken revision graph (a cycle, a missing parent) stops here
  } catch (const std::exception& error) {
    std::cerr << "notes: " << error.what() << "\n";
    return 2;
  }

  CLI::App cli{"The notes service: the Starlette database example, in Starling."};
  cli.require_subcommand(1);
  auto* serve = cli.add_subcommand("serve", "Serve the notes API over HTTP");
  serve->add_option("--host", settings.host, "Address to listen on (HOST)")->capture_default_str();
  serve->add_option("--port", settings.port, "Port to listen on, 0 for any free one (PORT)")->capture_default_str();
  serve->add_option("--threads", settings.threads, "Event-loop threads, 0 = one per core (WORKERS)")
      ->capture_default_str();
  bool migrate = false;
  serve->add_flag("--migrate", migrate, "Upgrade the database to the head revision first");
  db::add_migrations_command(cli, {.database_url = [&settings] { return settings.effective_database_url(); },
                                   .migrations = migrations,
                                   .metadata = &notes::metadata});
  CLI11_PARSE(cli, argc, argv);
  if (!*serve) return 0;  // a `db` command ran as it was parsed

  try {
    const auto url = settings.effective_database_url();
    prepare_schema(url, migrate);
    notes::NotesApp service(settings);
    starling::log::write(starling::log::Level::info, "notes: database " + url.to_string(),
                         {{"event", "database"}, {"database_url", url.to_string()}});
    return starling::serve(
        service.app(),
        {.host = settings.host, .port = settings.port, .threads = settings.threads, .access_log = settings.access_log});
  } catch (const std::exception& error) {
    starling::log::error(std::string("notes: ") + error.what());  // a JSON line with LOG_FORMAT=json
    return 1;
  }
}

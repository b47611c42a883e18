// `notes`: the notes service's command line.
//   notes serve [--host H] [--port P] [--threads N]   serve HTTP (creates missing tables)
//   notes create-tables                                create what the database lacks, then exit
// Settings come from the environment, then `.env`, then defaults (.env.example).
#include "app.hpp"
#include "tables.hpp"

#include <starling/logging.hpp>
#include <starling/server.hpp>

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
  notes::Settings settings;
  try {
    settings = notes::load_settings(starling::Config(".env"));
    starling::log::set_level(starling::log::level_from_string(settings.log_level));
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
  auto* create_tables = cli.add_subcommand("create-tables", "Create the tables the database lacks, then exit");
  CLI11_PARSE(cli, argc, argv);

  try {
    if (*create_tables) {
      notes::metadata.create_all(settings.effective_database_url());
      std::cout << "tables ready in " << settings.effective_database_url() << "\n";
      return 0;
    }
    notes::NotesApp service(settings);
    starling::log::info("notes: database " + settings.effective_database_url().to_string());
    return starling::serve(service.app(), {.host = settings.host, .port = settings.port, .threads = settings.threads});
  } catch (const std::exception& error) {
    std::cerr << "notes: " << error.what() << "\n";
    return 1;
  }
}

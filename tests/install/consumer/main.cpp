// Builds against an installed Starling (framework, db and their glue) and
// answers requests in-process from a SQLite memory database; then migrates a
// SQLite file through the `db` command line, as an app would.
#include <starling/db.hpp>
#include <starling/db/migrations_cli.hpp>
#include <starling/db_http.hpp>
#include <starling/starling.hpp>
#include <starling/testclient.hpp>

#include <CLI/CLI.hpp>

#include <unistd.h>
#include <cstdio>
#include <iostream>
#include <sstream>

namespace consumer {
const starling::db::Migrations& migrations();
}

using namespace starling;
namespace db = starling::db;

db::Database database(db::DatabaseURL("sqlite:///:memory:"));

awaitable<Response> hello(Request& request) {
  const auto greeting =
      co_await database.fetch_val(db::text("SELECT 'hello, ' || :name").bind("name", request.path_params()["name"]));
  co_return JSONResponse({{"greeting", greeting}});
}

// `consumer db upgrade head`, then `db current`: the file is at the one revision.
bool migrates() {
  const auto path = "/tmp/starling_consumer_" + std::to_string(::getpid()) + ".db";
  std::ostringstream out;
  for (const char* command : {"upgrade", "current"}) {
    CLI::App cli{"consumer"};
    db::add_migrations_command(cli, {.database_url = [&] { return db::DatabaseURL("sqlite:///" + path); },
                                     .migrations = &consumer::migrations(),
                                     .out = &out});
    const char* argv[] = {"consumer", "db", command};
    cli.parse(3, argv);
  }
  std::remove(path.c_str());
  std::cout << out.str();
  return out.str().find(": 0001_greetings") != std::string::npos;
}

int main() {
  App app({.routes = {Route("/hello/{name}", hello)},
           .exception_handlers = database_error_handlers(),
           .on_startup = {[] { return database.connect(); }},
           .on_shutdown = {[] { return database.disconnect(); }}});
  TestClient client(app);
  const auto response = client.get("/hello/installed");
  std::cout << response.status_code << " " << response.text() << "\n";
  const bool answered = response.status_code == 200 && response.json()["greeting"] == "hello, installed";
  return answered && migrates() ? 0 : 1;
}

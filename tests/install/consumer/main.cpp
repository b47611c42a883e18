// Builds against an installed Starling (framework, db and their glue) and
// answers requests in-process from a SQLite memory database.
#include <starling/db.hpp>
#include <starling/db_http.hpp>
#include <starling/starling.hpp>
#include <starling/testclient.hpp>

#include <iostream>

using namespace starling;
namespace db = starling::db;

db::Database database(db::DatabaseURL("sqlite:///:memory:"));

awaitable<Response> hello(Request& request) {
  const auto greeting = co_await database.fetch_val(db::text("SELECT 'hello, ' || :name").bind("name", request.path_params()["name"]));
  co_return JSONResponse({{"greeting", greeting}});
}

int main() {
  App app({.routes = {Route("/hello/{name}", hello)},
           .exception_handlers = database_error_handlers(),
           .on_startup = {[] { return database.connect(); }},
           .on_shutdown = {[] { return database.disconnect(); }}});
  TestClient client(app);
  const auto response = client.get("/hello/installed");
  std::cout << response.status_code << " " << response.text() << "\n";
  return response.status_code == 200 && response.json()["greeting"] == "hello, installed" ? 0 : 1;
}

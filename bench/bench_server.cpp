// The Starling side of bench/run and bench/http_db_run: TechEmpower's plaintext
// and JSON tests and, given a database URL, its single-query and multiple-query
// tests (`/db`, `/queries?queries=N`) on a `world` table it creates and fills.
// Usage: bench_server [port [threads [database-url]]]   (defaults: 8080, one thread per core)
#include <starling/db.hpp>
#include <starling/starling.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <optional>
#include <random>

using namespace starling;

namespace {

constexpr int kWorldRows = 10'000;

awaitable<Response> plaintext(Request&) { co_return PlainTextResponse("Hello, World!"); }

// Built and serialised on every request, as TechEmpower's JSON test requires.
awaitable<Response> json_message(Request&) { co_return JSONResponse({{"message", "Hello, World!"}}); }

template <class Number>
std::optional<Number> parse(std::string_view text) {
  Number value{};
  const auto [last, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || last != text.data() + text.size()) return std::nullopt;
  return value;
}

int random_id() {
  thread_local std::mt19937 rng(std::random_device{}());
  return std::uniform_int_distribution<int>(1, kWorldRows)(rng);
}

awaitable<json> random_world(db::Database& database) {
  const auto query = db::text("SELECT id, randomnumber FROM world WHERE id = :id").bind("id", random_id());
  const auto row = co_await database.fetch_one(query);
  co_return json{{"id", row->get<int>("id")}, {"randomNumber", row->get<int>("randomnumber")}};
}

// TechEmpower's rule: a missing, non-numeric or out-of-range count is clamped to 1..500.
int query_count(const Request& request) {
  const auto text = request.query_params().get("queries");
  const auto count = text ? parse<int>(*text) : std::nullopt;
  return std::clamp(count.value_or(1), 1, 500);
}

// Creates and fills `world` unless it is there already.
void seed(const std::string& url) {
  boost::asio::io_context loop;
  auto done = boost::asio::co_spawn(
      loop,
      [&]() -> awaitable<void> {
        db::Database database(url);
        co_await database.connect();
        const auto create =
            db::text("CREATE TABLE IF NOT EXISTS world (id INTEGER PRIMARY KEY, randomnumber INTEGER NOT NULL)");
        co_await database.execute(create);
        const auto count = db::text("SELECT COUNT(*) FROM world");
        const auto rows = co_await database.fetch_val(count);
        if (rows.as<std::int64_t>() < kWorldRows) {
          const auto clear = db::text("DELETE FROM world");
          co_await database.execute(clear);
          std::vector<db::Values> values;
          for (int id = 1; id <= kWorldRows; ++id) values.push_back({{"id", id}, {"n", (id * 7919) % kWorldRows + 1}});
          const auto insert = db::text("INSERT INTO world (id, randomnumber) VALUES (:id, :n)");
          co_await database.execute_many(insert, values);
        }
        co_await database.disconnect();
      },
      boost::asio::use_future);
  loop.run();
  done.get();
}

}  // namespace

int main(int argc, char** argv) {
  const auto port = parse<std::uint16_t>(argc > 1 ? argv[1] : "8080");
  const auto threads = parse<std::size_t>(argc > 2 ? argv[2] : "0");
  if (argc > 4 || !port || !threads) {
    std::fprintf(stderr, "usage: %s [port [threads [database-url]]]\n", argv[0]);
    return 2;
  }
  Routes routes{Route("/plaintext", plaintext, {"GET"}), Route("/json", json_message, {"GET"})};
  std::optional<db::Database> database;
  AppOptions options;
  if (argc > 3) {
    seed(argv[3]);
    database.emplace(argv[3]);
    auto& db = *database;
    routes.push_back(Route(
        "/db", [&db](Request&) -> awaitable<Response> { co_return JSONResponse(co_await random_world(db)); }, {"GET"}));
    routes.push_back(Route("/queries",
                           [&db](Request& request) -> awaitable<Response> {
                             json worlds = json::array();
                             for (int i = query_count(request); i > 0; --i) worlds.push_back(co_await random_world(db));
                             co_return JSONResponse(std::move(worlds));
                           },
                           {"GET"}));
    options.on_startup = {[&db] { return db.connect(); }};
    options.on_shutdown = {[&db] { return db.disconnect(); }};
  }
  options.routes = std::move(routes);
  App app(std::move(options));
  return serve(app, {.host = "127.0.0.1", .port = *port, .threads = *threads, .access_log = false});
}

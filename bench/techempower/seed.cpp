#include "seed.hpp"

#include "fortunes.hpp"
#include "world.hpp"

#include <starling/db.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace techempower {

namespace db = starling::db;

namespace {

starling::awaitable<std::int64_t> count_rows(db::Database& database, const std::string& table) {
  const auto query = db::text("SELECT count(*) FROM " + table);
  const auto count = co_await database.fetch_val(query);
  co_return count.as<std::int64_t>();
}

starling::awaitable<void> fill(db::Database& database) {
  const auto create_world =
      db::text("CREATE TABLE IF NOT EXISTS world (id INTEGER PRIMARY KEY, randomnumber INTEGER NOT NULL)");
  const auto create_fortune =
      db::text("CREATE TABLE IF NOT EXISTS fortune (id INTEGER PRIMARY KEY, message VARCHAR(2048) NOT NULL)");
  co_await database.execute(create_world);
  co_await database.execute(create_fortune);
  if (co_await count_rows(database, "world") != kWorldRows) {
    std::vector<db::Values> rows;
    rows.reserve(kWorldRows);
    for (int id = 1; id <= kWorldRows; ++id) rows.push_back({{"id", id}, {"n", random_world_number()}});
    const auto clear = db::text("DELETE FROM world");
    const auto insert = db::text("INSERT INTO world (id, randomnumber) VALUES (:id, :n)");
    co_await database.execute(clear);
    co_await database.execute_many(insert, rows);
  }
  if (co_await count_rows(database, "fortune") != static_cast<std::int64_t>(standard_fortunes().size())) {
    std::vector<db::Values> rows;
    for (const auto& fortune : standard_fortunes()) rows.push_back({{"id", fortune.id}, {"message", fortune.message}});
    const auto clear = db::text("DELETE FROM fortune");
    const auto insert = db::text("INSERT INTO fortune (id, message) VALUES (:id, :message)");
    co_await database.execute(clear);
    co_await database.execute_many(insert, rows);
  }
}

}  // namespace

void seed(const db::DatabaseURL& url) {
  boost::asio::io_context loop;
  auto done = boost::asio::co_spawn(
      loop,
      [&]() -> starling::awaitable<void> {
        db::Database database(url);
        co_await database.connect();
        co_await fill(database);
        co_await database.disconnect();
      },
      boost::asio::use_future);
  loop.run();
  done.get();
}

}  // namespace techempower

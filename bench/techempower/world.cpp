#include "world.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <random>

namespace techempower {

using starling::awaitable;
using starling::JSONResponse;
using starling::Request;
using starling::Response;
using starling::Route;
namespace db = starling::db;

namespace {

const auto kSelectWorld = db::text("SELECT id, randomnumber AS \"randomNumber\" FROM world WHERE id = :id");
const auto kUpdateWorld = db::text("UPDATE world SET randomnumber = :n WHERE id = :id");

awaitable<World> random_world(db::Database& database) {
  const auto query = kSelectWorld.bind("id", random_world_number());
  auto world = co_await database.fetch_one<World>(query);
  co_return *world;  // every id 1..10,000 is there
}

// Each read is a query of its own, as the rules require. They are gathered,
// not awaited one by one: the pool runs them side by side on its connections,
// several in one round trip (PostgreSQL) or one read snapshot (SQLite).
awaitable<std::vector<World>> random_worlds(db::Database& database, int count) {
  std::vector<awaitable<World>> reads;
  reads.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) reads.push_back(random_world(database));
  co_return co_await starling::gather(std::move(reads));
}

}  // namespace

int random_world_number() {
  thread_local std::mt19937 generator(std::random_device{}());
  return std::uniform_int_distribution<int>(1, kWorldRows)(generator);
}

int count_param(const Request& request, std::string_view name) {
  const auto text = request.query_params().get(name);
  int count = 1;
  if (text) {
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), count);
    if (end != text->data() + text->size() || (error != std::errc{} && error != std::errc::result_out_of_range))
      count = 1;  // not an integer
    else if (error == std::errc::result_out_of_range)
      count = text->starts_with('-') ? 1 : 500;  // an integer, beyond int
  }
  return std::clamp(count, 1, 500);
}

awaitable<void> WorldCache::load(db::Database& database) {
  const auto query = db::text("SELECT id, randomnumber AS \"randomNumber\" FROM world ORDER BY id");
  rows_ = co_await database.fetch_all<World>(query);
  if (rows_.size() != static_cast<std::size_t>(kWorldRows))
    throw std::runtime_error("the world table has " + std::to_string(rows_.size()) + " rows, not 10000");
}

starling::Routes world_routes(db::Database& database, const WorldCache& cache) {
  const auto single = [&database](Request&) -> awaitable<Response> {
    co_return JSONResponse(co_await random_world(database));
  };
  const auto queries = [&database](Request& request) -> awaitable<Response> {
    co_return JSONResponse(co_await random_worlds(database, count_param(request, "queries")));
  };
  // Read as /queries reads, written in one batch: execute_many runs the updates in
  // one transaction (one round trip on PostgreSQL), in id order (the map's)
  // so that two requests never wait on each other's rows in opposite orders.
  const auto updates = [&database](Request& request) -> awaitable<Response> {
    auto worlds = co_await random_worlds(database, count_param(request, "queries"));
    std::map<int, int> numbers;  // by id: a row drawn twice gets one new number, and the answer says so
    for (auto& world : worlds) world.randomNumber = numbers.try_emplace(world.id, random_world_number()).first->second;
    std::vector<db::Values> changes;
    changes.reserve(numbers.size());
    for (const auto& [id, number] : numbers) changes.push_back({{"id", id}, {"n", number}});
    co_await database.execute_many(kUpdateWorld, changes);
    co_return JSONResponse(worlds);
  };
  const auto cached = [&cache](Request& request) -> awaitable<Response> {
    const int count = count_param(request, "count");
    std::vector<World> worlds;
    worlds.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) worlds.push_back(cache[random_world_number()]);
    co_return JSONResponse(worlds);
  };
  return {Route("/db", single, {"GET"}), Route("/queries", queries, {"GET"}), Route("/updates", updates, {"GET"}),
          Route("/cached-queries", cached, {"GET"})};
}

}  // namespace techempower

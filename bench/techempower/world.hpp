#pragma once
// TechEmpower's World table and the tests that read and write it: /db,
// /queries, /updates and /cached-queries.

#include <starling/db.hpp>
#include <starling/db/typed_rows.hpp>
#include <starling/starling.hpp>

#include <vector>

namespace techempower {

inline constexpr int kWorldRows = 10'000;

/// One row, read by column name ("randomNumber" is the column's label in the
/// queries, so the JSON has TechEmpower's spelling).
struct World {
  int id = 0;
  int randomNumber = 0;  // the JSON's spelling
};
BOOST_DESCRIBE_STRUCT(World, (), (id, randomNumber))

/// A random id (or randomNumber), 1..10,000.
int random_world_number();

/// The `queries` (or `count`) parameter as TechEmpower reads it: missing or not
/// a number counts as 1, and the number is clamped to 1..500.
int count_param(const starling::Request& request, std::string_view name);

/// Every World row, read once at startup: what /cached-queries answers from.
class WorldCache {
 public:
  starling::awaitable<void> load(starling::db::Database& database);
  const World& operator[](int id) const { return rows_[static_cast<std::size_t>(id - 1)]; }

 private:
  std::vector<World> rows_;
};

/// The routes of /db, /queries, /updates and /cached-queries.
starling::Routes world_routes(starling::db::Database& database, const WorldCache& cache);

}  // namespace techempower

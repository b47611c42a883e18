// Independent queries of one caller, gathered, on a pool of fewer connections
// than queries: each gets its own row on every backend; a failing one is
// rethrown after the rest finished, and every connection comes back.
#include <starling/db.hpp>
#include <starling/gather.hpp>

#include "support/test_databases.hpp"

#include <gtest/gtest.h>

namespace starling::db {
namespace {

using test::run;

struct Item {
  std::int64_t id = 0;
  std::int64_t square = 0;
};
BOOST_DESCRIBE_STRUCT(Item, (), (id, square))

constexpr int kItems = 60;

class GatheredQueries : public test::ConnectedDatabaseTest {
 protected:
  void SetUp() override {
    ConnectedDatabaseTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    open({.max_size = 2});  // fewer connections than queries: most wait, or share a round trip
    run(database().execute(text("CREATE TABLE items (id INTEGER PRIMARY KEY, square INTEGER NOT NULL)")));
    std::vector<Values> rows;
    for (int i = 1; i <= kItems; ++i) rows.push_back({{"id", i}, {"square", i * i}});
    run(database().execute_many(text("INSERT INTO items (id, square) VALUES (:id, :square)"), rows));
  }

  awaitable<Item> item(std::int64_t id) {
    const auto query = text("SELECT id, square FROM items WHERE id = :id").bind("id", id);
    auto found = co_await database().fetch_one<Item>(query);
    if (!found) throw std::runtime_error("no item " + std::to_string(id));
    co_return *found;
  }

  awaitable<void> record(std::int64_t id, std::vector<std::int64_t>& read) { read.push_back((co_await item(id)).id); }

  awaitable<void> missing_table() { co_await database().fetch_one(text("SELECT nothing FROM no_such_table")); }

  // The ProgrammingError's message, and how many rows were read when it came out.
  static awaitable<std::pair<std::string, std::size_t>> gather_and_catch(std::vector<awaitable<void>> tasks,
                                                                         const std::vector<std::int64_t>& read) {
    std::pair<std::string, std::size_t> caught{"(nothing thrown)", 0};
    try {
      co_await gather(std::move(tasks));
    } catch (const ProgrammingError& error) {
      caught = {error.what(), read.size()};
    }
    co_return caught;
  }
};

TEST_P(GatheredQueries, EachQueryGetsItsOwnRowInTheOrderAsked) {
  std::vector<awaitable<Item>> reads;
  for (int id = kItems; id >= 1; --id) reads.push_back(item(id));
  const auto items = run(gather(std::move(reads)));
  ASSERT_EQ(items.size(), static_cast<std::size_t>(kItems));
  for (int i = 0; i < kItems; ++i) {
    EXPECT_EQ(items[i].id, kItems - i);
    EXPECT_EQ(items[i].square, (kItems - i) * (kItems - i));
  }
  EXPECT_EQ(database().stats().in_use, 0u);
}

TEST_P(GatheredQueries, AFailingQueryIsRethrownAfterTheOthersAndThePoolStaysWhole) {
  std::vector<std::int64_t> read;
  std::vector<awaitable<void>> tasks;
  for (int id = 1; id <= 20; ++id) tasks.push_back(id == 5 ? missing_table() : record(id, read));
  const auto [message, read_when_caught] = run(gather_and_catch(std::move(tasks), read));
  EXPECT_NE(message.find("no_such_table"), std::string::npos) << message;
  EXPECT_EQ(read_when_caught, 19u) << "gather rethrew before every query had finished";
  EXPECT_EQ(database().stats().in_use, 0u);
  EXPECT_EQ(run(item(7)).square, 49);
}

INSTANTIATE_TEST_SUITE_P(Backends, GatheredQueries, ::testing::ValuesIn(test::database_backends()));

}  // namespace
}  // namespace starling::db

// pool_metrics: the pool's connections by state, its bound, its waiters and its
// timeouts, read at each scrape, on every backend.
#include <starling/db_http.hpp>

#include "support/metrics_text.hpp"
#include "support/test_databases.hpp"

#include <starling/db/database.hpp>
#include <starling/db/errors.hpp>

#include <gtest/gtest.h>

#include <optional>

namespace starling {
namespace {

using test::sample_value;

class PoolMetrics : public test::ConnectedDatabaseTest {};

TEST_P(PoolMetrics, AScrapeReadsThePoolAsItIsNow) {
  auto& database = open({.max_size = 1, .acquire_timeout = std::chrono::milliseconds(100)});
  Metrics metrics;
  metrics.add_collector(pool_metrics(database, "notes"));
  const auto in_use = R"(starling_db_pool_connections{database="notes",state="in_use"})";
  const auto timeouts = R"(starling_db_pool_timeouts_total{database="notes"})";
  EXPECT_EQ(sample_value(metrics.render(), in_use), 0.0) << metrics.render();
  EXPECT_GE(sample_value(metrics.render(), R"(starling_db_pool_max_connections{database="notes"})"), 1.0);
  test::run([&]() -> awaitable<void> {
    std::optional<db::Connection> held(co_await database.connection());  // SQLite's writer; PostgreSQL's only one
    const auto text = metrics.render();
    EXPECT_EQ(sample_value(text, in_use), 1.0) << text;
    EXPECT_EQ(sample_value(text, timeouts), 0.0) << text;
    bool timed_out = false;
    try {
      co_await database.connection();
    } catch (const db::PoolTimeout&) {
      timed_out = true;
    }
    EXPECT_TRUE(timed_out);
  }());
  const auto text = metrics.render();
  EXPECT_EQ(sample_value(text, timeouts), 1.0) << text;
  EXPECT_EQ(sample_value(text, in_use), 0.0) << text;
  EXPECT_EQ(sample_value(text, R"(starling_db_pool_waiting{database="notes"})"), 0.0) << text;
  EXPECT_NE(text.find("# TYPE starling_db_pool_timeouts_total counter"), std::string::npos) << text;
  EXPECT_EQ(text.find("postgresql://"), std::string::npos) << "the URL (and its password) stays out: " << text;
}

INSTANTIATE_TEST_SUITE_P(Backends, PoolMetrics, ::testing::ValuesIn(test::database_backends()));

}  // namespace
}  // namespace starling

// iterate() over a million rows, on SQLite and PostgreSQL: the process's peak
// memory grows by a bounded amount (the rows are never all in memory), and
// other queries run on the pool while the stream holds its connection.
// A process of its own, so that the peak it measures is this test's.
#include <starling/db.hpp>

#include "support/test_databases.hpp"

#include <sys/resource.h>

#include <gtest/gtest.h>

namespace starling::db {
namespace {

using test::run;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// Sanitizers hold freed memory back (and run far slower): fewer rows, no memory bound.
constexpr std::int64_t kRows = 100'000;
constexpr bool kMeasure = false;
#else
constexpr std::int64_t kRows = 1'000'000;
constexpr bool kMeasure = true;
#endif
// A million rows read whole would take over 100 MiB here (a Row, its values
// and their text); streamed, only a batch is held at a time.
constexpr long kBoundKiB = 32 * 1024;

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

class IterateMemory : public test::ConnectedDatabaseTest {};

TEST_P(IterateMemory, AMillionRowsStreamInBoundedMemoryWhileThePoolServesOthers) {
  if (is_memory()) GTEST_SKIP() << ":memory: has one connection: the stream would hold the only one";
  run(database().execute(text("CREATE TABLE big (id BIGINT PRIMARY KEY, body TEXT NOT NULL)")));
  const std::string rows = std::to_string(kRows);
  run(database().execute(text(is_postgres()
                                  ? "INSERT INTO big SELECT i, 'row ' || i FROM generate_series(1, " + rows + ") AS i"
                                  : "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + rows +
                                        ") INSERT INTO big SELECT i, 'row ' || i FROM n")));

  const long before = peak_rss_kib();
  std::int64_t seen = 0;
  std::int64_t sum = 0;
  int side_queries = 0;
  run([&]() -> awaitable<void> {
    const auto query = text("SELECT id, body FROM big ORDER BY id");
    auto stream = co_await database().iterate(query, 500);
    const auto side = text("SELECT count(*) FROM big WHERE id <= 10");
    while (auto row = co_await stream.next()) {
      ++seen;
      sum += row->get<std::int64_t>("id");
      if (seen % 100'000 == 0) {
        // Another connection of the pool answers while this one streams.
        const auto counted = co_await database().fetch_val(side);
        if (counted == Value(10)) ++side_queries;
      }
    }
  }());
  const long grown = peak_rss_kib() - before;

  EXPECT_EQ(seen, kRows);
  EXPECT_EQ(sum, kRows * (kRows + 1) / 2);
  EXPECT_EQ(side_queries, kRows / 100'000);
  std::cout << "iterate over " << kRows << " rows on " << GetParam() << ": peak RSS grew by " << grown << " KiB\n";
  if (kMeasure) {
    EXPECT_LT(grown, kBoundKiB) << "peak RSS grew by " << grown << " KiB";
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, IterateMemory, ::testing::ValuesIn(test::database_backends()));

}  // namespace
}  // namespace starling::db

#pragma once
/// @file test_databases.hpp
/// Every database test runs on each backend: a SQLite file, SQLite `:memory:`
/// and a real PostgreSQL server (STARLING_TEST_POSTGRES_URL; scripts/test
/// starts one). Without that variable the PostgreSQL cases fail, they are not
/// skipped, unless STARLING_SKIP_POSTGRES=1 says so on purpose.

#include <starling/db/async.hpp>
#include <starling/db/database.hpp>
#include <starling/db/testing.hpp>
#include <starling/db/url.hpp>

#include "support/unique_name.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace starling::test {

/// The backends, for INSTANTIATE_TEST_SUITE_P.
inline std::vector<std::string> database_backends() { return {"sqlite_file", "sqlite_memory", "postgresql"}; }

/// A fresh, empty database of one backend for one test, dropped afterwards.
class TestDatabase {
 public:
  explicit TestDatabase(const std::string& backend) {
    static std::atomic<int> counter{0};
    const auto unique = unique_run_name() + "_" + std::to_string(counter++);
    if (backend == "sqlite_memory") {
      url_.emplace("sqlite:///:memory:");
    } else if (backend == "sqlite_file") {
      const auto path = std::filesystem::temp_directory_path() / ("starling_test_" + unique + ".db");
      url_.emplace("sqlite:///" + path.string());
    } else {
      const char* server = std::getenv("STARLING_TEST_POSTGRES_URL");
      if (server == nullptr || *server == '\0') {
        skipped_ = std::getenv("STARLING_SKIP_POSTGRES") != nullptr;
        return;
      }
      url_.emplace(db::DatabaseURL(server).replace({.database = "starling_test_" + unique}));
    }
    db::testing::create_database(*url_);
  }
  ~TestDatabase() {
    if (url_ && db::testing::database_exists(*url_)) db::testing::drop_database(*url_);
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  /// False when PostgreSQL is not configured; `skipped()` says whether that is allowed.
  bool available() const { return url_.has_value(); }
  bool skipped() const { return skipped_; }
  const db::DatabaseURL& url() const { return *url_; }

 private:
  std::optional<db::DatabaseURL> url_;
  bool skipped_ = false;
};

/// Runs a coroutine to completion on a fresh event loop (with `threads`
/// threads) and returns its result, or throws what it threw.
template <class T>
T run(db::awaitable<T> task, int threads = 1) {
  boost::asio::io_context loop;
  auto future = boost::asio::co_spawn(loop, std::move(task), boost::asio::use_future);
  std::vector<std::thread> extra;
  for (int i = 1; i < threads; ++i) extra.emplace_back([&] { loop.run(); });
  loop.run();
  for (auto& thread : extra) thread.join();
  return future.get();
}

/// A fixture parametrised by backend name; `url()` is a fresh database.
class DatabaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    database_.emplace(GetParam());
    if (!database_->available()) {
      if (database_->skipped()) GTEST_SKIP() << "STARLING_SKIP_POSTGRES is set";
      FAIL() << "STARLING_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts PostgreSQL";
    }
  }
  void TearDown() override { database_.reset(); }
  const db::DatabaseURL& url() const { return database_->url(); }
  bool is_memory() const { return GetParam() == "sqlite_memory"; }
  bool is_postgres() const { return GetParam() == "postgresql"; }

 private:
  std::optional<TestDatabase> database_;
};

/// A DatabaseTest with a connected `database()`; `open(options)` reconnects
/// it with other options. Disconnected at the end of the test.
class ConnectedDatabaseTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    open();
  }
  void TearDown() override {
    if (database_) run(database_->disconnect());
    database_.reset();
    DatabaseTest::TearDown();
  }
  db::Database& open(db::DatabaseOptions options = {}) {
    if (database_) run(database_->disconnect());
    database_.emplace(url(), options);
    run(database_->connect());
    return *database_;
  }
  db::Database& database() { return *database_; }

 private:
  std::optional<db::Database> database_;
};

}  // namespace starling::test

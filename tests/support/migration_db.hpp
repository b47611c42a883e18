#pragma once
/// @file migration_db.hpp
/// For migration tests: a database reached by URL through a connection of the
/// test's own, to look at what the migrations did.

#include "support/test_databases.hpp"

#include "backends/backend.hpp"

#include <starling/db/migrations.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace starling::test {

/// Migration commands open their own connections, so a `:memory:` database
/// (one per connection) cannot be migrated by URL: the file and the server.
inline std::vector<std::string> migration_backends() { return {"sqlite_file", "postgresql"}; }

/// A DatabaseTest with `sql(...)` to run statements and read single values.
class MigrationTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    connection_ = db::backend::open_connection(url());
  }
  void TearDown() override {
    connection_.reset();
    DatabaseTest::TearDown();
  }
  db::backend::Result sql(const std::string& statement) { return connection_->execute(statement, {}); }
  /// The first column of every row, as text.
  std::vector<std::string> column(const std::string& query) {
    std::vector<std::string> values;
    for (const auto& row : sql(query).rows) values.push_back(text_of(row[0]));
    return values;
  }
  static std::string text_of(const db::Value& value) {
    switch (value.type()) {
      case db::ValueType::null: return "NULL";
      case db::ValueType::integer: return std::to_string(value.as<std::int64_t>());
      case db::ValueType::text: return value.as<std::string>();
      default: return value.to_json().dump();
    }
  }
  std::int64_t count(const std::string& table) {
    return sql("SELECT COUNT(*) FROM \"" + table + "\"").rows.front()[0].as<std::int64_t>();
  }
  bool has_table(const std::string& table) {
    const auto query = is_postgres()
                           ? "SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = '" + table + "'"
                           : "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'";
    return !sql(query).rows.empty();
  }
  std::vector<std::string> current(const db::Migrations& migrations) { return db::current(url(), migrations); }

 private:
  std::unique_ptr<db::backend::Connection> connection_;
};

}  // namespace starling::test

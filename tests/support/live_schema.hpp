#pragma once
/// @file live_schema.hpp
/// For reflection and autogenerate tests: one connection to a test database
/// (a memory database exists only on its connection), to make a schema on it
/// and to reflect or compare it; and ways to read what autogenerate answers.

#include <starling/db/autogenerate.hpp>
#include <starling/db/ddl.hpp>
#include <starling/db/schema.hpp>

#include "backends/backend.hpp"
#include "migrations/reflect_connection.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace starling::test {

struct LiveSchema {
  explicit LiveSchema(const db::DatabaseURL& url)
      : dialect(url.dialect()), connection(db::backend::open_connection(url)) {}
  void run(const std::string& sql) { connection->execute(sql, {}); }
  void create(const db::MetaData& metadata) {
    for (const auto& sql : db::create_statements(metadata, dialect)) run(sql);
  }
  db::SchemaSnapshot reflect() { return db::migrations::reflect(*connection, dialect); }
  db::TableSchema table(std::string_view name) {
    auto table = db::migrations::reflect_table(*connection, dialect, name);
    if (!table) throw std::runtime_error("no table " + std::string(name));
    return *table;
  }
  std::vector<db::SchemaDifference> compare(const db::MetaData& metadata) {
    return db::compare_schemas(reflect(), db::schema_of(metadata, dialect), dialect);
  }
  db::Dialect dialect;
  std::unique_ptr<db::backend::Connection> connection;
};

/// Each difference's description, a line each.
inline std::string descriptions(const std::vector<db::SchemaDifference>& differences) {
  std::string out;
  for (const auto& difference : differences) out += difference.description + "\n";
  return out;
}

/// Whether `text` contains `part`, showing the text when it does not.
inline ::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << part << "\" not in:\n" << text;
}

}  // namespace starling::test

#pragma once
// DDL for a TableSchema: what a SQLite rebuild creates in place of the table
// it replaces, written so that reflecting it gives the same TableSchema back.

#include <starling/db/reflection.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace starling::db::migrations {

/// CREATE TABLE `name` with `table`'s columns, keys and constraints (not its
/// indexes), for SQLite. `autoincrement`: an autoincrementing INTEGER PRIMARY
/// KEY says AUTOINCREMENT (ids never reused; the table it replaces said so).
std::string create_table_sql(const TableSchema& table, std::string_view name, bool autoincrement);

/// CREATE [UNIQUE] INDEX "name" ON "table" (...).
std::string create_index_sql(const IndexSchema& index, std::string_view table);

/// `"a", "b"`.
std::string column_list(const std::vector<std::string>& columns);

}  // namespace starling::db::migrations

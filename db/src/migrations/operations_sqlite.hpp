#pragma once
// The operations SQLite has no ALTER for, done by rebuilding the table
// (sqlite_rebuild.hpp) from what the database says the table is now.

#include "migrations/runner.hpp"

#include <string_view>

namespace starling::db::migrations {

/// Whether SQLite's own ADD COLUMN can add `column`: not UNIQUE, and a DEFAULT
/// that is a constant (NULL included) unless the column may hold NULL.
bool sqlite_can_add(const Column& column);
void sqlite_add_column(Runner& runner, std::string_view table, const Column& column);
/// Drops the column and the indexes and constraints that use it.
void sqlite_drop_column(Runner& runner, std::string_view table, std::string_view column);
/// A rename alone is SQLite's own RENAME COLUMN; anything else rebuilds.
void sqlite_alter_column(Runner& runner, std::string_view table, std::string_view column, const ColumnChanges& changes);
void sqlite_add_foreign_key(Runner& runner, std::string_view table, const ForeignKeySchema& key);
/// A unique index, UNIQUE constraint or foreign key named `name`.
/// @throws MigrationError when the table has none of that name.
void sqlite_drop_constraint(Runner& runner, std::string_view table, std::string_view name);

}  // namespace starling::db::migrations

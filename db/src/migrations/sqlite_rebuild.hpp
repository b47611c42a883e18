#pragma once
// SQLite's missing ALTERs, done as its documentation and Alembic's batch mode
// do: a new table, the rows copied, the old table dropped, the new one renamed,
// the indexes made again, and the foreign keys checked. Runs inside the
// revision's transaction, with foreign key enforcement off (the runner's doing).

#include "migrations/runner.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace starling::db::migrations {

/// Replaces table `before.name` by `after`. Each column of `after` takes its
/// values from the column of `before` that `sources` names for it (by default
/// the column of the same name); a column with no source takes its DEFAULT.
/// @throws a db::Error when a copied value breaks `after` (a NULL in a column
/// now NOT NULL) or a foreign key no longer holds; the caller rolls back.
void rebuild_table(Runner& runner, const TableSchema& before, const TableSchema& after,
                   const std::map<std::string, std::string>& sources = {});

/// How many rows break each foreign key (child table, parent table), per
/// PRAGMA foreign_key_check: SQLite does not check while enforcement is off
/// for a revision, so the runner compares before and after.
using BrokenForeignKeys = std::map<std::pair<std::string, std::string>, std::int64_t>;
BrokenForeignKeys sqlite_broken_foreign_keys(Runner& runner);
/// @throws ForeignKeyViolation naming the tables of a foreign key that more
/// rows break than in `before` (rows broken already stay the owner's problem).
void check_no_new_broken_foreign_keys(Runner& runner, const BrokenForeignKeys& before);

}  // namespace starling::db::migrations

#pragma once
// Autogenerate's comparison of one table the database and the MetaData both have.

#include <starling/db/autogenerate.hpp>

#include <vector>

namespace starling::db::migrations {

/// Appends the differences between `live` and `declared` (the same table) to
/// `out`, in upgrade order: what is removed (foreign keys, indexes, unique
/// constraints, columns) before what is added, so nothing is left pointing at
/// what goes.
void compare_table(const TableSchema& live, const TableSchema& declared, Dialect dialect,
                   std::vector<SchemaDifference>& out);

}  // namespace starling::db::migrations

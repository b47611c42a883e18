#pragma once
// The notes service's revisions (migrations/, one file each), collected by
// starling_add_migrations in CMakeLists.txt.

#include <starling/db/migrations.hpp>

namespace notes {

/// Every revision of the notes schema; the tables (tables.hpp) are its head.
const starling::db::Migrations& migrations();

}  // namespace notes

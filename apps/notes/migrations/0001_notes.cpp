// The reference's notes table.
#include <starling/db/migrations.hpp>

namespace db = starling::db;

// A column a line, as the reference's migration.
// clang-format off
extern const db::Revision r0001_notes{
    .id = "0001_notes",
    .parents = {},
    .message = "notes table",
    .upgrade =
        [](db::Operations& op) {
          op.create_table("notes", {
              db::Column("id", db::Integer, db::primary_key),
              db::Column("text", db::String, db::not_null),
              db::Column("completed", db::Boolean, db::not_null),
          });
        },
    .downgrade = [](db::Operations& op) { op.drop_table("notes"); },
};
// clang-format on

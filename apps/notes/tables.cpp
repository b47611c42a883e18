#include "tables.hpp"

namespace notes {

namespace db = starling::db;

// Laid out as the reference's sqlalchemy.Table, a column a line.
// clang-format off
db::MetaData metadata;
const db::Table notes("notes", metadata, {
    db::Column("id", db::Integer, db::primary_key),
    db::Column("text", db::String, db::not_null),
    db::Column("completed", db::Boolean, db::not_null, db::index),
    db::Column("created_at", db::DateTime, db::not_null, db::server_default_now),
});
// clang-format on

}  // namespace notes

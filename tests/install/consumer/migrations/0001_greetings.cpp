#include <starling/db/migrations.hpp>

namespace db = starling::db;

extern const db::Revision r0001_greetings{
    .id = "0001_greetings",
    .parents = {},
    .message = "greetings",
    .upgrade =
        [](db::Operations& op) { op.create_table("greetings", {db::Column("word", db::String, db::primary_key)}); },
    .downgrade = [](db::Operations& op) { op.drop_table("greetings"); },
};

#pragma once
/// @file schema_samples.hpp
/// A MetaData with every type, column option and key the DDL writes, for the
/// reflection and autogenerate tests: what is created from it must reflect,
/// and compare, exactly as it is declared.

#include <starling/db/schema.hpp>

namespace starling::test {

namespace db = starling::db;

// Every table and option the DDL writes, every type.
inline void define_everything(db::MetaData& metadata) {
  const db::Table users(
      "users", metadata,
      {db::Column("id", db::Integer, db::primary_key), db::Column("email", db::String(200), db::not_null, db::unique),
       db::Column("name", db::String, db::index), db::Column("handle", db::String(50), db::unique, db::index),
       db::Column("bio", db::Text, db::default_("it's \"new\"\\")),
       db::Column("active", db::Boolean, db::not_null, db::default_(true)),
       db::Column("score", db::Float, db::default_(1.5)),
       db::Column("balance", db::Numeric(10, 2), db::default_(db::Decimal{"12.50"})), db::Column("ratio", db::Numeric),
       db::Column("created_at", db::DateTime, db::server_default_now),
       db::Column("born", db::Date, db::default_sql("CURRENT_DATE")),
       db::Column("settings", db::JSON, db::default_(db::JsonText{"{}"})), db::Column("avatar", db::LargeBinary),
       db::Column("rank", db::BigInteger, db::default_(-1)),
       db::Column("lowered", db::Text, db::default_sql("lower('X')")),
       db::Column("role", db::Enum({"member", "admin", "it's"}), db::not_null, db::default_("member"))});
  const db::Table posts(
      "posts", metadata,
      {db::Column("id", db::BigInteger, db::primary_key),
       db::Column("user_id", db::Integer, db::not_null,
                  db::foreign_key("users.id").on_delete("CASCADE").on_update("NO ACTION")),
       db::Column("editor_id", db::Integer, db::foreign_key("users.id").on_delete("SET NULL").on_update("SET NULL"))});
  const db::Table codes("codes", metadata, {db::Column("code", db::String(3), db::primary_key)});
  const db::Table pairs(
      "pairs", metadata,
      {db::Column("a", db::Integer, db::primary_key), db::Column("b", db::String(5), db::primary_key)});
  const db::Table manual("manual", metadata,
                         {db::Column("id", db::Integer, db::primary_key, db::autoincrement(false))});
}

}  // namespace starling::test

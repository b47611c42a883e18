// Schema declarations: types, Column options, foreign keys, Table and MetaData, errors for bad definitions,
// SQLAlchemy's autoincrement rules, and tables sorted by their foreign keys (a cycle is an error).
#include <starling/db/schema.hpp>

#include <gtest/gtest.h>

#include "support/error_message.hpp"

namespace db = starling::db;

using starling::test::programming_error_of;

TEST(Types, AreUsableBareAndCalled) {
  static_assert(db::Integer.kind == db::TypeKind::integer);
  static_assert(db::String.kind == db::TypeKind::string && db::String.length == 0);
  static_assert(db::String(200) == db::Type{db::TypeKind::string, 200});
  static_assert(db::Numeric(10, 2) == db::Type{db::TypeKind::numeric, 0, 10, 2});
  static_assert(db::Numeric.precision == 0);
  EXPECT_EQ(db::Column("a", db::String).type(), db::String);
  EXPECT_EQ(db::Column("a", db::String(20)).type().length, 20);
  EXPECT_EQ(db::Column("a", db::LargeBinary).type().kind, db::TypeKind::large_binary);
}

TEST(Column, OptionsInAnyOrder) {
  const db::Column plain("text", db::Text);
  EXPECT_EQ(plain.name(), "text");
  EXPECT_TRUE(plain.nullable());
  EXPECT_FALSE(plain.primary_key() || plain.unique() || plain.index() || plain.autoincrement());
  EXPECT_FALSE(plain.default_value().has_value());
  EXPECT_FALSE(plain.foreign_key().has_value());

  const db::Column full("email", db::String(100), db::index, db::not_null, db::unique, db::default_("x"));
  EXPECT_FALSE(full.nullable());
  EXPECT_TRUE(full.unique() && full.index());
  EXPECT_EQ(full.default_value(), db::Value("x"));
  EXPECT_FALSE(db::Column("a", db::Integer, db::nullable(false)).nullable());
  EXPECT_TRUE(db::Column("a", db::Integer, db::nullable).nullable());
}

TEST(Column, PrimaryKeyIsNotNullUnlessSaidOtherwise) {
  EXPECT_FALSE(db::Column("id", db::Integer, db::primary_key).nullable());
  EXPECT_TRUE(db::Column("id", db::Integer, db::primary_key).primary_key());
}

TEST(Column, RejectsBadTypeParameters) {
  EXPECT_EQ(programming_error_of([] { db::Column("name", db::String(-1)); }),
            "column \"name\": String length must not be negative");
  EXPECT_EQ(programming_error_of([] { db::Column("price", db::Numeric(2, 5)); }),
            "column \"price\": Numeric scale must not exceed its precision");
  EXPECT_EQ(programming_error_of([] { db::Column("", db::Integer); }), "a column needs a name");
  EXPECT_EQ(programming_error_of([] {
              db::Column("state", db::Enum({"a", "b"}), db::default_("c"));
            }),
            "column \"state\": its DEFAULT is not one of the Enum's choices");
  EXPECT_EQ(programming_error_of([] { (void)db::Enum({}); }), "db::Enum needs at least one choice");
  EXPECT_EQ(programming_error_of([] { (void)db::Enum({"a", "a"}); }), "db::Enum choice \"a\" is given twice");
  EXPECT_EQ(programming_error_of([] { (void)db::Enum({"a", ""}); }), "db::Enum choices must not be empty strings");
  EXPECT_EQ(db::Enum({"é", "ab"}).length, 2);  // characters, not bytes
}

TEST(ForeignKey, ParsesTargetAndActions) {
  const auto key = db::foreign_key("users.id").on_delete("cascade").on_update("set null");
  EXPECT_EQ(key.table(), "users");
  EXPECT_EQ(key.column(), "id");
  EXPECT_EQ(key.on_delete(), "CASCADE");
  EXPECT_EQ(key.on_update(), "SET NULL");
  EXPECT_EQ(db::foreign_key("users.id").on_delete(), "");
  EXPECT_EQ(programming_error_of([] { db::foreign_key("users"); }),
            "foreign key target \"users\" is not \"table.column\"");
  EXPECT_EQ(programming_error_of([] { db::foreign_key("users.id").on_delete("DROP TABLE x"); }),
            "foreign key action \"DROP TABLE x\" is not one of CASCADE, SET NULL, SET DEFAULT, RESTRICT, NO ACTION");
}

TEST(ForeignKey, FromAColumnReference) {
  db::MetaData metadata;
  const db::Table users("users", metadata, {db::Column("id", db::Integer, db::primary_key)});
  const db::Column owner("owner", db::Integer, db::foreign_key(users.c("id")));
  EXPECT_EQ(owner.foreign_key()->table(), "users");
  EXPECT_EQ(owner.foreign_key()->column(), "id");
}

TEST(Table, ColumnsAndReferences) {
  db::MetaData metadata;
  const db::Table notes("notes", metadata,
                        {db::Column("id", db::Integer, db::primary_key), db::Column("text", db::String),
                         db::Column("completed", db::Boolean)});
  EXPECT_EQ(notes.name(), "notes");
  ASSERT_EQ(notes.columns().size(), 3u);
  EXPECT_EQ(notes.columns()[2].name(), "completed");
  const auto text = notes.c("text");
  EXPECT_EQ(text.name(), "text");
  EXPECT_EQ(text.table_name(), "notes");
  EXPECT_EQ(text.column().type(), db::String);
  EXPECT_TRUE(text.same_as(notes.c("text")));
  EXPECT_FALSE(text.same_as(notes.c("id")));
  EXPECT_TRUE(notes.has_column("id"));
  EXPECT_FALSE(notes.has_column("txt"));
  ASSERT_EQ(notes.primary_key().size(), 1u);
  EXPECT_EQ(notes.primary_key()[0].name(), "id");
}

TEST(Table, UnknownColumnNamesColumnAndTable) {
  db::MetaData metadata;
  const db::Table notes("notes", metadata,
                        {db::Column("id", db::Integer, db::primary_key), db::Column("text", db::Text)});
  EXPECT_EQ(programming_error_of([&] { notes.c("txt"); }), "table \"notes\" has no column \"txt\" (columns: id, text)");
}

TEST(Table, RejectsBadDefinitions) {
  db::MetaData metadata;
  EXPECT_EQ(programming_error_of([&] { db::Table("", metadata, {db::Column("a", db::Integer)}); }),
            "a table needs a name");
  EXPECT_EQ(programming_error_of([&] { db::Table("t", metadata, {}); }), "table \"t\" has no columns");
  EXPECT_EQ(programming_error_of([&] {
              db::Table("t", metadata, {db::Column("a", db::Integer), db::Column("a", db::Text)});
            }),
            "table \"t\" has two columns named \"a\"");
  EXPECT_EQ(
      programming_error_of([&] {
        db::Table("t", metadata,
                  {db::Column("id", db::Integer, db::primary_key), db::Column("n", db::Integer, db::autoincrement)});
      }),
      "column \"t\".\"n\": autoincrement needs the table's only primary key column, of Integer or BigInteger type");
  EXPECT_TRUE(metadata.tables().empty());  // nothing half-registered
}

TEST(Table, AutoincrementAsSqlAlchemy) {
  db::MetaData metadata;
  const db::Table by_default("a", metadata, {db::Column("id", db::Integer, db::primary_key)});
  const db::Table big("b", metadata, {db::Column("id", db::BigInteger, db::primary_key)});
  const db::Table turned_off("c", metadata, {db::Column("id", db::Integer, db::primary_key, db::autoincrement(false))});
  const db::Table text_key("d", metadata, {db::Column("code", db::String(3), db::primary_key)});
  const db::Table composite(
      "e", metadata, {db::Column("a", db::Integer, db::primary_key), db::Column("b", db::Integer, db::primary_key)});
  EXPECT_TRUE(by_default.columns()[0].autoincrement());
  EXPECT_TRUE(big.columns()[0].autoincrement());
  EXPECT_FALSE(turned_off.columns()[0].autoincrement());
  EXPECT_FALSE(text_key.columns()[0].autoincrement());
  EXPECT_FALSE(composite.columns()[0].autoincrement());
  EXPECT_EQ(composite.primary_key().size(), 2u);
}

TEST(MetaData, KeepsTablesInDefinitionOrder) {
  db::MetaData metadata;
  const db::Table b("b", metadata, {db::Column("id", db::Integer)});
  const db::Table a("a", metadata, {db::Column("id", db::Integer)});
  ASSERT_EQ(metadata.tables().size(), 2u);
  EXPECT_EQ(metadata.tables()[0].name(), "b");
  EXPECT_EQ(metadata.tables()[1].name(), "a");
  EXPECT_EQ(metadata.table("a").name(), "a");
  EXPECT_TRUE(metadata.contains("b"));
  EXPECT_EQ(programming_error_of([&] { metadata.table("c"); }), "metadata has no table \"c\"");
  EXPECT_EQ(programming_error_of([&] { db::Table("a", metadata, {db::Column("x", db::Integer)}); }),
            "metadata already has a table \"a\"");
}

TEST(MetaData, TablesOutliveTheirMetaData) {
  std::optional<db::Table> kept;
  {
    db::MetaData metadata;
    kept.emplace("notes", metadata, std::vector<db::Column>{db::Column("id", db::Integer, db::primary_key)});
    db::MetaData moved = std::move(metadata);
    EXPECT_EQ(moved.tables().size(), 1u);
  }
  EXPECT_EQ(kept->select().compile(db::Dialect::sqlite).sql, "SELECT \"id\" FROM \"notes\"");
}

TEST(MetaData, SortsTablesByForeignKeys) {
  db::MetaData metadata;
  const db::Table comments(
      "comments", metadata,
      {db::Column("id", db::Integer, db::primary_key), db::Column("post_id", db::Integer, db::foreign_key("posts.id")),
       db::Column("parent_id", db::Integer, db::foreign_key("comments.id"))});
  const db::Table posts("posts", metadata,
                        {db::Column("id", db::Integer, db::primary_key),
                         db::Column("author_id", db::Integer, db::foreign_key("users.id"))});
  const db::Table tags("tags", metadata, {db::Column("id", db::Integer, db::primary_key)});
  const db::Table users("users", metadata, {db::Column("id", db::Integer, db::primary_key)});
  std::vector<std::string> names;
  for (const auto& table : metadata.sorted_tables()) names.push_back(table.name());
  EXPECT_EQ(names, (std::vector<std::string>{"tags", "users", "posts", "comments"}));
}

TEST(MetaData, ForeignKeyCycleIsAnError) {
  db::MetaData metadata;
  const db::Table a("a", metadata, {db::Column("b_id", db::Integer, db::foreign_key("b.id"))});
  const db::Table b("b", metadata,
                    {db::Column("id", db::Integer), db::Column("a_id", db::Integer, db::foreign_key("a.b_id"))});
  EXPECT_EQ(programming_error_of([&] { metadata.sorted_tables(); }),
            "tables \"a\", \"b\" cannot be ordered: their foreign keys form a cycle");
}

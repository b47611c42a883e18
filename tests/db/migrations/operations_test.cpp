// Each operation on both backends, with rows in the tables: SQLite's rebuilds
// must keep every row, index and foreign key that the change does not remove.
#include <starling/db/migrations.hpp>

#include "support/migration_db.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

namespace db = starling::db;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class MigrationOperations : public starling::test::MigrationTest {
 protected:
  // Runs `change` as the one revision after a base that has authors and books
  // (books.author_id references authors, an index on books.title), with rows.
  void migrate(std::function<void(db::Operations&)> change) {
    base_ = {.id = "start", .parents = {}, .message = "authors and books", .upgrade = [](db::Operations& op) {
               op.create_table("authors", {db::Column("id", db::Integer, db::primary_key),
                                           db::Column("name", db::String(100), db::not_null)});
               op.create_table("books", {db::Column("id", db::Integer, db::primary_key),
                                         db::Column("author_id", db::Integer, db::foreign_key("authors.id")),
                                         db::Column("title", db::String(200), db::not_null, db::index),
                                         db::Column("pages", db::Integer)});
               // Ids from the keys' own sequences (ids 1 and 2), so that later inserts continue them.
               op.bulk_insert("authors", {{{"name", "Le Guin"}}, {{"name", "Lem"}}});
               op.bulk_insert("books", {{{"author_id", 1}, {"title", "The Dispossessed"}, {"pages", 387}},
                                        {{"author_id", 2}, {"title", "Solaris"}, {"pages", nullptr}}});
             }};
    change_ = {.id = "change", .parents = {"start"}, .message = "the change", .upgrade = std::move(change)};
    migrations_.emplace(std::vector<const db::Revision*>{&base_, &change_});
    db::upgrade(url(), *migrations_, "head");
  }
  std::string failure_of(std::function<void(db::Operations&)> change) {
    try {
      migrate(std::move(change));
    } catch (const db::MigrationError& error) {
      EXPECT_THAT(current(*migrations_), ElementsAre("start"));
      return error.what();
    }
    return "(no MigrationError)";
  }
  std::vector<std::string> titles() { return column("SELECT title FROM books ORDER BY id"); }
  void expect_foreign_key_enforced() {
    EXPECT_ANY_THROW(sql("INSERT INTO books (id, author_id, title) VALUES (9, 99, 'orphan')"));
  }
  std::vector<std::string> indexes_of(const std::string& table) {
    return column(is_postgres() ? "SELECT indexname FROM pg_indexes WHERE tablename = '" + table + "'"
                                : "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '" + table + "'");
  }
  void expect_title_index() {
    const auto query =
        is_postgres() ? "SELECT indexname FROM pg_indexes WHERE tablename = 'books' AND indexname = 'ix_books_title'"
                      : "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'ix_books_title'";
    EXPECT_THAT(column(query), ElementsAre("ix_books_title"));
  }

 private:
  db::Revision base_;
  db::Revision change_;
  std::optional<db::Migrations> migrations_;
};

TEST_P(MigrationOperations, DropColumnKeepsTheRowsIndexesAndForeignKeys) {
  migrate([](db::Operations& op) { op.drop_column("books", "pages"); });
  EXPECT_THAT(titles(), ElementsAre("The Dispossessed", "Solaris"));
  EXPECT_ANY_THROW(sql("SELECT pages FROM books"));
  expect_title_index();
  expect_foreign_key_enforced();
  sql("INSERT INTO books (author_id, title) VALUES (1, 'The Lathe of Heaven')");  // the key still autoincrements
  EXPECT_THAT(column("SELECT id FROM books ORDER BY id"), ElementsAre("1", "2", "3"));
}

TEST_P(MigrationOperations, DroppingAnIndexedColumnDropsItsIndex) {
  migrate([](db::Operations& op) { op.drop_column("books", "title"); });
  EXPECT_EQ(count("books"), 2);
  const auto query = is_postgres() ? "SELECT indexname FROM pg_indexes WHERE indexname = 'ix_books_title'"
                                   : "SELECT name FROM sqlite_master WHERE name = 'ix_books_title'";
  EXPECT_TRUE(column(query).empty());
}

TEST_P(MigrationOperations, AddColumnWithAnExpressionDefaultFillsExistingRows) {
  migrate([](db::Operations& op) {
    op.add_column("books", db::Column("added_at", db::DateTime, db::not_null, db::server_default_now));
    op.add_column("books", db::Column("isbn", db::String(20), db::unique));
  });
  EXPECT_THAT(column("SELECT COUNT(*) FROM books WHERE added_at IS NOT NULL"), ElementsAre("2"));
  sql("UPDATE books SET isbn = 'x' WHERE id = 1");
  EXPECT_ANY_THROW(sql("UPDATE books SET isbn = 'x' WHERE id = 2"));
  expect_title_index();
  expect_foreign_key_enforced();
}

TEST_P(MigrationOperations, AlterColumnChangesTypeNullabilityDefaultAndName) {
  migrate([](db::Operations& op) {
    op.alter_column("books", "pages", {.type = db::BigInteger, .server_default = db::Value(100)});
    op.alter_column("books", "title", {.type = db::Text, .new_name = "name"});
  });
  EXPECT_THAT(column("SELECT name FROM books ORDER BY id"), ElementsAre("The Dispossessed", "Solaris"));
  EXPECT_THAT(column("SELECT pages FROM books ORDER BY id"), ElementsAre("387", "NULL"));
  sql("INSERT INTO books (id, author_id, name) VALUES (3, 1, 'Always Coming Home')");
  EXPECT_THAT(column("SELECT pages FROM books WHERE id = 3"), ElementsAre("100"));
  EXPECT_ANY_THROW(sql("INSERT INTO books (id, author_id) VALUES (4, 1)"));  // still NOT NULL
  expect_foreign_key_enforced();
}

TEST_P(MigrationOperations, AnEnumsChoicesChangeWithItsTypeAndOtherChecksStay) {
  migrate([](db::Operations& op) {
    op.add_column("books", db::Column("state", db::Enum({"draft", "out"}), db::default_("draft")));
    op.execute(db::Dialect::postgresql, "ALTER TABLE books ADD CONSTRAINT positive_pages CHECK (pages > 0)");
    // Renamed first: PostgreSQL keeps the CHECK's old name, which must not matter.
    op.alter_column("books", "state", {.new_name = "status"});
    op.alter_column("books", "status", {.type = db::Enum({"draft", "out", "withdrawn"})});
  });
  EXPECT_THAT(column("SELECT status FROM books ORDER BY id"), ElementsAre("draft", "draft"));
  sql("UPDATE books SET status = 'withdrawn' WHERE id = 1");
  EXPECT_ANY_THROW(sql("UPDATE books SET status = 'lost' WHERE id = 1"));
  EXPECT_THAT(column("SELECT status FROM books ORDER BY id"), ElementsAre("withdrawn", "draft"));
  if (is_postgres()) {
    EXPECT_ANY_THROW(sql("UPDATE books SET pages = -1"));
  }
  expect_foreign_key_enforced();
}

TEST_P(MigrationOperations, NotNullOverExistingNullsFailsAndChangesNothing) {
  const auto message = failure_of([](db::Operations& op) { op.alter_column("books", "pages", {.nullable = false}); });
  EXPECT_THAT(message, HasSubstr("revision \"change\""));
  EXPECT_THAT(column("SELECT pages FROM books ORDER BY id"), ElementsAre("387", "NULL"));
  sql("INSERT INTO books (id, title) VALUES (3, 'no pages')");  // still nullable
  expect_title_index();
}

TEST_P(MigrationOperations, RenameColumnAndTable) {
  migrate([](db::Operations& op) {
    op.alter_column("books", "pages", {.new_name = "page_count"});
    op.rename_table("books", "volumes");
  });
  EXPECT_THAT(column("SELECT page_count FROM volumes ORDER BY id"), ElementsAre("387", "NULL"));
  EXPECT_FALSE(has_table("books"));
}

TEST_P(MigrationOperations, UniqueConstraintsAndIndexesComeAndGo) {
  migrate([](db::Operations& op) {
    op.create_unique_constraint("uq_books_author_title", "books", {"author_id", "title"});
    op.create_index("ix_books_author_pages", "books", {"author_id", "pages"});
    op.drop_index("ix_books_title", "books");
  });
  EXPECT_ANY_THROW(sql("INSERT INTO books (id, author_id, title) VALUES (3, 1, 'The Dispossessed')"));
  sql("INSERT INTO books (id, author_id, title) VALUES (3, 2, 'The Dispossessed')");
  EXPECT_THAT(indexes_of("books"), ::testing::Contains("ix_books_author_pages"));
  EXPECT_THAT(indexes_of("books"), ::testing::Not(::testing::Contains("ix_books_title")));
}

TEST_P(MigrationOperations, DropUniqueConstraint) {
  migrate([](db::Operations& op) {
    op.create_unique_constraint("uq_books_title", "books", {"title"});
    op.drop_constraint("uq_books_title", "books");
  });
  sql("INSERT INTO books (id, author_id, title) VALUES (3, 1, 'Solaris')");
  EXPECT_EQ(count("books"), 3);
}

TEST_P(MigrationOperations, ForeignKeysAreCreatedCheckedAndDropped) {
  migrate([](db::Operations& op) {
    op.create_table("reviews", {db::Column("id", db::Integer, db::primary_key), db::Column("book_id", db::Integer)});
    op.bulk_insert("reviews", {{{"id", 1}, {"book_id", 2}}});
    op.create_foreign_key("fk_reviews_book", "reviews", {"book_id"}, "books", {"id"}, {.on_delete = "cascade"});
  });
  EXPECT_ANY_THROW(sql("INSERT INTO reviews (id, book_id) VALUES (2, 42)"));
  sql("DELETE FROM books WHERE id = 2");
  EXPECT_EQ(count("reviews"), 0);  // ON DELETE CASCADE
}

TEST_P(MigrationOperations, AForeignKeyThatExistingRowsBreakIsRefused) {
  const auto message = failure_of([](db::Operations& op) {
    op.create_table("reviews", {db::Column("id", db::Integer, db::primary_key), db::Column("book_id", db::Integer)});
    op.bulk_insert("reviews", {{{"id", 1}, {"book_id", 42}}});
    op.create_foreign_key("fk_reviews_book", "reviews", {"book_id"}, "books", {"id"});
  });
  EXPECT_THAT(message, HasSubstr("reviews"));
  EXPECT_FALSE(has_table("reviews"));
}

TEST_P(MigrationOperations, DropForeignKey) {
  migrate([](db::Operations& op) {
    op.create_table("reviews", {db::Column("id", db::Integer, db::primary_key), db::Column("book_id", db::Integer)});
    op.create_foreign_key("fk_reviews_book", "reviews", {"book_id"}, "books", {"id"});
    op.drop_constraint("fk_reviews_book", "reviews");
  });
  sql("INSERT INTO reviews (id, book_id) VALUES (1, 42)");
  EXPECT_EQ(count("reviews"), 1);
}

TEST_P(MigrationOperations, AnInsertThatBreaksAForeignKeyIsRefused) {
  const auto message = failure_of([](db::Operations& op) {
    op.bulk_insert("books", {{{"id", 3}, {"author_id", 99}, {"title", "x"}}});
  });
  EXPECT_THAT(message, HasSubstr("revision \"change\""));
  EXPECT_EQ(count("books"), 2);
}

TEST_P(MigrationOperations, ExecutePerDialect) {
  migrate([](db::Operations& op) {
    op.execute(db::Dialect::sqlite, "UPDATE books SET pages = 1");
    op.execute(db::Dialect::postgresql, "UPDATE books SET pages = 2");
  });
  EXPECT_THAT(column("SELECT DISTINCT pages FROM books"), ElementsAre(is_postgres() ? "2" : "1"));
}

TEST_P(MigrationOperations, UnknownNamesAreNamed) {
  EXPECT_THAT(failure_of([](db::Operations& op) { op.drop_column("books", "nope"); }), HasSubstr("nope"));
  EXPECT_THAT(failure_of([](db::Operations& op) { op.alter_column("nope", "x", {.nullable = false}); }),
              HasSubstr("nope"));
  EXPECT_THAT(failure_of([](db::Operations& op) { op.drop_constraint("nope", "books"); }), HasSubstr("nope"));
}

TEST_P(MigrationOperations, RebuildingAParentTableKeepsItsChildrensRows) {
  // books.author_id references authors; with enforcement on, dropping the old
  // authors table would delete (or refuse) the books that point at it.
  migrate([](db::Operations& op) {
    op.alter_column("books", "author_id", {.nullable = false});             // books rebuilt with its key
    op.add_column("authors", db::Column("born", db::Integer, db::unique));  // authors rebuilt
    op.drop_column("authors", "born");
  });
  EXPECT_THAT(titles(), ElementsAre("The Dispossessed", "Solaris"));
  EXPECT_THAT(column("SELECT name FROM authors ORDER BY id"), ElementsAre("Le Guin", "Lem"));
  expect_foreign_key_enforced();
}

TEST_P(MigrationOperations, NarrowingAVarcharNeverCutsAValueShort) {
  const std::string long_title(150, 'x');
  if (is_postgres()) {
    const auto message = failure_of([&](db::Operations& op) {
      op.bulk_insert("books", {{{"author_id", 1}, {"title", long_title}}});
      op.alter_column("books", "title", {.type = db::String(100)});
    });
    EXPECT_THAT(message, HasSubstr("too long"));
    EXPECT_EQ(count("books"), 2);
  } else {  // SQLite does not enforce a VARCHAR's length: the value stays whole
    migrate([&](db::Operations& op) {
      op.bulk_insert("books", {{{"author_id", 1}, {"title", long_title}}});
      op.alter_column("books", "title", {.type = db::String(100), .nullable = true});
    });
    EXPECT_THAT(column("SELECT length(title) FROM books WHERE id = 3"), ElementsAre("150"));
  }
}

TEST_P(MigrationOperations, AForeignKeyBrokenBeforeTheRevisionDoesNotBlockIt) {
  if (is_postgres()) GTEST_SKIP() << "PostgreSQL never lets such a row in";
  migrate([](db::Operations&) {});
  sql("PRAGMA foreign_keys = OFF");  // what an app that never enforced them may have left
  sql("INSERT INTO books (author_id, title) VALUES (99, 'orphan')");
  const db::Revision start{.id = "start", .parents = {}, .message = ""};
  const db::Revision change{.id = "change", .parents = {"start"}, .message = ""};
  const db::Revision later{.id = "later", .parents = {"change"}, .message = "later", .upgrade = [](db::Operations& op) {
                             op.alter_column("books", "pages", {.type = db::Text});
                           }};
  db::upgrade(url(), db::Migrations({&start, &change, &later}), "head");
  EXPECT_EQ(count("books"), 3);
}

TEST_P(MigrationOperations, ASqliteRebuildKeepsWhatReflectionCannotSay) {
  if (is_postgres()) GTEST_SKIP() << "PostgreSQL alters tables in place";
  migrate([](db::Operations& op) {
    op.execute("CREATE TABLE plain (id INTEGER PRIMARY KEY, tag TEXT, n INTEGER)");
    op.execute("CREATE INDEX ix_plain_tagged ON plain (n) WHERE tag IS NOT NULL");
    op.execute("CREATE INDEX ix_plain_lower ON plain (lower(tag))");
    op.execute("CREATE UNIQUE INDEX ix_plain_tag_nocase ON plain (tag COLLATE NOCASE)");
    op.bulk_insert("plain", {{{"tag", "a"}, {"n", 1}}});
    op.add_column("plain", db::Column("extra", db::Integer, db::unique));  // SQLite cannot: a rebuild
  });
  const auto sql_of = [&](const std::string& name) {
    return column("SELECT sql FROM sqlite_master WHERE name = '" + name + "'");
  };
  EXPECT_THAT(sql_of("ix_plain_tagged"), ElementsAre(HasSubstr("WHERE tag IS NOT NULL")));
  EXPECT_THAT(sql_of("ix_plain_lower"), ElementsAre(HasSubstr("lower(tag)")));
  EXPECT_THAT(sql_of("plain"), ElementsAre(::testing::Not(HasSubstr("AUTOINCREMENT"))));  // as it was
  EXPECT_ANY_THROW(sql("INSERT INTO plain (tag) VALUES ('A')"));  // the NOCASE unique index still holds
  EXPECT_EQ(count("plain"), 1);
}

TEST_P(MigrationOperations, ASqliteRebuildThatWouldLoseGeneratedColumnsIsRefused) {
  if (is_postgres()) GTEST_SKIP() << "PostgreSQL alters tables in place";
  const auto message = failure_of([](db::Operations& op) {
    op.execute("CREATE TABLE sums (a INTEGER, b INTEGER, total INTEGER GENERATED ALWAYS AS (a + 1))");
    op.drop_column("sums", "b");
  });
  EXPECT_THAT(message, HasSubstr("generated columns"));
  EXPECT_FALSE(has_table("sums"));
}

INSTANTIATE_TEST_SUITE_P(Backends, MigrationOperations, ::testing::ValuesIn(starling::test::migration_backends()));

}  // namespace

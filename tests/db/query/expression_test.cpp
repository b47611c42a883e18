// WHERE expressions compiled to SQL and parameters: comparisons, NULL as SQLAlchemy treats it, LIKE, IN,
// AND/OR/NOT with flattening and parentheses, empty lists, parameter numbering, ORDER BY terms.
#include <starling/db/expression.hpp>

#include <starling/db/schema.hpp>

#include <gtest/gtest.h>

#include "support/error_message.hpp"

namespace db = starling::db;
using db::Dialect;

namespace {

using starling::test::programming_error_of;

class Expressions : public ::testing::Test {
 protected:
  db::MetaData metadata_;
  db::Table notes_{"notes",
                   metadata_,
                   {db::Column("id", db::Integer, db::primary_key), db::Column("text", db::String),
                    db::Column("completed", db::Boolean), db::Column("rank", db::Integer)}};
  db::ColumnRef id_ = notes_.c("id");
  db::ColumnRef text_ = notes_.c("text");
  db::ColumnRef completed_ = notes_.c("completed");
  db::ColumnRef rank_ = notes_.c("rank");

  // The WHERE clause of a DELETE with `condition`, and its parameters.
  std::pair<std::string, std::vector<db::Value>> where(const db::Expression& condition,
                                                       Dialect dialect = Dialect::sqlite) const {
    auto query = notes_.delete_().where(condition).compile(dialect);
    const std::string prefix = "DELETE FROM \"notes\" WHERE ";
    EXPECT_EQ(query.sql.substr(0, prefix.size()), prefix);
    return {query.sql.substr(prefix.size()), query.params};
  }
  std::string sql(const db::Expression& condition, Dialect dialect = Dialect::sqlite) const {
    return where(condition, dialect).first;
  }
};

using Params = std::vector<db::Value>;

}  // namespace

TEST_F(Expressions, ComparisonsWithValues) {
  EXPECT_EQ(where(id_ == 3), std::pair(std::string("\"id\" = ?"), Params{3}));
  EXPECT_EQ(where(id_ != 3), std::pair(std::string("\"id\" <> ?"), Params{3}));
  EXPECT_EQ(where(id_ < 3), std::pair(std::string("\"id\" < ?"), Params{3}));
  EXPECT_EQ(where(id_ <= 3), std::pair(std::string("\"id\" <= ?"), Params{3}));
  EXPECT_EQ(where(id_ > 3), std::pair(std::string("\"id\" > ?"), Params{3}));
  EXPECT_EQ(where(id_ >= 3), std::pair(std::string("\"id\" >= ?"), Params{3}));
  EXPECT_EQ(where(text_ == "x", Dialect::postgresql), std::pair(std::string("\"text\" = $1"), Params{"x"}));
  // Booleans stay booleans: the backend maps them (0/1 on SQLite).
  EXPECT_EQ(where(completed_ == false), std::pair(std::string("\"completed\" = ?"), Params{false}));
}

TEST_F(Expressions, ComparisonsBetweenColumns) {
  EXPECT_EQ(where(id_ == rank_), std::pair(std::string("\"id\" = \"rank\""), Params{}));
  EXPECT_EQ(sql(id_ != rank_), "\"id\" <> \"rank\"");
  EXPECT_EQ(sql(id_ < rank_), "\"id\" < \"rank\"");
  EXPECT_EQ(sql(id_ <= rank_), "\"id\" <= \"rank\"");
  EXPECT_EQ(sql(id_ > rank_), "\"id\" > \"rank\"");
  EXPECT_EQ(sql(id_ >= rank_), "\"id\" >= \"rank\"");
}

TEST_F(Expressions, NullComparisonsAsSqlAlchemy) {
  EXPECT_EQ(where(text_ == nullptr), std::pair(std::string("\"text\" IS NULL"), Params{}));
  EXPECT_EQ(where(text_ != db::Value()), std::pair(std::string("\"text\" IS NOT NULL"), Params{}));
  EXPECT_EQ(sql(text_.is_null()), "\"text\" IS NULL");
  EXPECT_EQ(sql(text_.is_not_null()), "\"text\" IS NOT NULL");
  EXPECT_EQ(programming_error_of([&] { (void)(rank_ < nullptr); }),
            "comparing \"notes\".\"rank\" < NULL is never true; use == / != or is_null()");
}

TEST_F(Expressions, LikeAndIn) {
  EXPECT_EQ(where(text_.like("a%")), std::pair(std::string("\"text\" LIKE ?"), Params{"a%"}));
  EXPECT_EQ(where(id_.in_({1, 2, 3}), Dialect::postgresql),
            std::pair(std::string("\"id\" IN ($1, $2, $3)"), (Params{1, 2, 3})));
  EXPECT_EQ(where(id_.in_({})), std::pair(std::string("1 = 0"), Params{}));
  EXPECT_EQ(sql(!id_.in_({})), "NOT (1 = 0)");
}

TEST_F(Expressions, AndOrNot) {
  EXPECT_EQ(where(db::and_(id_ > 1, id_ < 9, text_.is_null()), Dialect::postgresql),
            std::pair(std::string("\"id\" > $1 AND \"id\" < $2 AND \"text\" IS NULL"), (Params{1, 9})));
  EXPECT_EQ(sql(db::or_(id_ == 1, id_ == 2)), "\"id\" = ? OR \"id\" = ?");
  EXPECT_EQ(sql(db::not_(id_ == 1)), "NOT (\"id\" = ?)");
  EXPECT_EQ(sql((id_ == 1 && text_ == "a") || completed_ == true),
            "(\"id\" = ? AND \"text\" = ?) OR \"completed\" = ?");
  EXPECT_EQ(sql(id_ == 1 && (text_ == "a" || completed_ == true)),
            "\"id\" = ? AND (\"text\" = ? OR \"completed\" = ?)");
  EXPECT_EQ(sql(!(id_ == 1 || id_ == 2)), "NOT (\"id\" = ? OR \"id\" = ?)");
  EXPECT_EQ(sql(db::and_(id_ == 1)), "\"id\" = ?");
}

TEST_F(Expressions, NestedSameOperatorsFlatten) {
  EXPECT_EQ(sql(db::and_(db::and_(id_ == 1, id_ == 2), id_ == 3)), "\"id\" = ? AND \"id\" = ? AND \"id\" = ?");
  EXPECT_EQ(sql(id_ == 1 || id_ == 2 || id_ == 3), "\"id\" = ? OR \"id\" = ? OR \"id\" = ?");
}

TEST_F(Expressions, EmptyListsAreConstants) {
  EXPECT_EQ(sql(db::and_(std::vector<db::Expression>{})), "1 = 1");
  EXPECT_EQ(sql(db::or_(std::vector<db::Expression>{})), "1 = 0");
}

TEST_F(Expressions, ParametersNumberInTextOrder) {
  EXPECT_EQ(
      where(text_.like("%x%") && (id_.in_({4, 5}) || rank_ >= 2), Dialect::postgresql),
      std::pair(std::string("\"text\" LIKE $1 AND (\"id\" IN ($2, $3) OR \"rank\" >= $4)"), (Params{"%x%", 4, 5, 2})));
}

TEST_F(Expressions, OrderTerms) {
  const db::OrderBy plain = id_;
  EXPECT_FALSE(plain.descending());
  EXPECT_FALSE(id_.asc().descending());
  EXPECT_TRUE(id_.desc().descending());
  EXPECT_EQ(id_.desc().expression().node(), id_.node());
  EXPECT_EQ(id_.desc().nulls_last().nulls(), db::OrderBy::Nulls::last);
  EXPECT_TRUE(id_.desc().nulls_first().descending());
}

TEST_F(Expressions, AreReusable) {
  const auto open = completed_ == false;
  EXPECT_EQ(sql(open && id_ == 1), "\"completed\" = ? AND \"id\" = ?");
  EXPECT_EQ(sql(open), "\"completed\" = ?");
}

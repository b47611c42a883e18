#pragma once
/// @file expression.hpp
/// SQL conditions built from columns and values, for where() and order_by():
///
///     notes.c("completed") == false && notes.c("text").like("buy%")
///     db::or_(notes.c("id").in_({1, 2, 3}), notes.c("text").is_null())
///     notes.c("id").desc()
///
/// Values are always bound parameters. Expressions are immutable trees that
/// share their parts, so they are cheap to copy and safe to reuse.

#include <starling/db/value.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace starling::db {

class Column;
class Expression;
class OrderBy;

namespace detail {
struct TableData;
struct Node;
}  // namespace detail

/// A column of one table, as used in queries: `notes.c("text")`.
///
/// `==` and the other comparisons build an Expression rather than compare
/// references (as in SQLAlchemy); use same_as() to compare two references.
class ColumnRef {
 public:
  /// Made by Table::c(); `index` is the column's position in the table.
  ColumnRef(std::shared_ptr<const detail::TableData> table, std::size_t index);

  /// The column's name.
  const std::string& name() const;
  /// The name of the column's table.
  const std::string& table_name() const;
  /// The column's definition.
  const Column& column() const;
  /// The same column of the same table.
  bool same_as(const ColumnRef& other) const { return table_ == other.table_ && index_ == other.index_; }

  /// `column LIKE pattern` (`%` any run of characters, `_` one character).
  /// Note: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
  Expression like(std::string pattern) const;
  /// `column IN (values...)`; an empty list is a condition that is never true.
  Expression in_(std::vector<Value> values) const;
  /// `column IS NULL`.
  Expression is_null() const;
  /// `column IS NOT NULL`.
  Expression is_not_null() const;
  /// Ascending order, for order_by().
  OrderBy asc() const;
  /// Descending order, for order_by().
  OrderBy desc() const;

  /// The table's shared definition (for the compiler).
  const std::shared_ptr<const detail::TableData>& table() const { return table_; }
  /// The column's position in its table.
  std::size_t index() const { return index_; }

 private:
  std::shared_ptr<const detail::TableData> table_;
  std::size_t index_;
};

/// A condition: what where() takes.
class Expression {
 public:
  /// Made by the operators and functions below; Node is internal.
  explicit Expression(std::shared_ptr<const detail::Node> node) : node_(std::move(node)) {}

  /// The tree's root (for the compiler).
  const std::shared_ptr<const detail::Node>& node() const { return node_; }

 private:
  std::shared_ptr<const detail::Node> node_;
};

/// One ORDER BY term: a column, ascending unless desc(). A bare ColumnRef converts.
class OrderBy {
 public:
  /// Ascending by `column` (implicit, so `order_by(notes.c("id"))` reads naturally).
  OrderBy(const ColumnRef& column, bool descending = false) : column_(column), descending_(descending) {}

  /// The column ordered by.
  const ColumnRef& column() const { return column_; }
  /// DESC rather than ASC.
  bool descending() const { return descending_; }

 private:
  ColumnRef column_;
  bool descending_;
};

/// `column = value`; comparing with NULL gives `column IS NULL`.
Expression operator==(const ColumnRef& column, const Value& value);
/// `column <> value`; comparing with NULL gives `column IS NOT NULL`.
Expression operator!=(const ColumnRef& column, const Value& value);
/// `column < value`. @throws ProgrammingError if `value` is NULL (never true).
Expression operator<(const ColumnRef& column, const Value& value);
/// `column <= value`. @throws ProgrammingError if `value` is NULL (never true).
Expression operator<=(const ColumnRef& column, const Value& value);
/// `column > value`. @throws ProgrammingError if `value` is NULL (never true).
Expression operator>(const ColumnRef& column, const Value& value);
/// `column >= value`. @throws ProgrammingError if `value` is NULL (never true).
Expression operator>=(const ColumnRef& column, const Value& value);

/// `left = right`, two columns.
Expression operator==(const ColumnRef& left, const ColumnRef& right);
/// `left <> right`, two columns.
Expression operator!=(const ColumnRef& left, const ColumnRef& right);
/// `left < right`, two columns.
Expression operator<(const ColumnRef& left, const ColumnRef& right);
/// `left <= right`, two columns.
Expression operator<=(const ColumnRef& left, const ColumnRef& right);
/// `left > right`, two columns.
Expression operator>(const ColumnRef& left, const ColumnRef& right);
/// `left >= right`, two columns.
Expression operator>=(const ColumnRef& left, const ColumnRef& right);

/// All conditions hold; an empty list is always true.
Expression and_(std::vector<Expression> conditions);
/// Any condition holds; an empty list is never true.
Expression or_(std::vector<Expression> conditions);
/// `db::and_(a, b, c)`.
template <class... Rest>
Expression and_(const Expression& first, const Rest&... rest) {
  return and_(std::vector<Expression>{first, rest...});
}
/// `db::or_(a, b, c)`.
template <class... Rest>
Expression or_(const Expression& first, const Rest&... rest) {
  return or_(std::vector<Expression>{first, rest...});
}
/// `NOT (condition)`.
Expression not_(const Expression& condition);

/// `a && b` is `db::and_(a, b)`.
inline Expression operator&&(const Expression& a, const Expression& b) { return and_(std::vector<Expression>{a, b}); }
/// `a || b` is `db::or_(a, b)`.
inline Expression operator||(const Expression& a, const Expression& b) { return or_(std::vector<Expression>{a, b}); }
/// `!a` is `db::not_(a)`.
inline Expression operator!(const Expression& a) { return not_(a); }

}  // namespace starling::db

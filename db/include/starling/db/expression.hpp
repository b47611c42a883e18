#pragma once
/// @file expression.hpp
/// SQL expressions built from columns, values, functions and subqueries, for
/// where(), select lists, group_by(), having() and order_by():
///
///     notes.c("completed") == false && notes.c("text").like("buy%")
///     db::or_(notes.c("id").in_({1, 2, 3}), notes.c("text").is_null())
///     db::count().label("n"), db::func("lower", {notes.c("text")})
///     notes.c("id").desc().nulls_last()
///
/// Values are always bound parameters. Expressions are immutable trees that
/// share their parts, so they are cheap to copy and safe to reuse.

#include <starling/db/value.hpp>

#include <concepts>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace starling::db {

class Column;
class Expression;
class OrderBy;
class Select;

namespace detail {
struct TableData;
struct Node;
}  // namespace detail

/// A container of values: `std::vector<int>`, `std::set<std::string>`, an array.
template <class Range>
concept ValueRange = requires(const Range& range) {
  std::begin(range);
  std::end(range);
}
&&std::constructible_from<Value, decltype(*std::begin(std::declval<const Range&>()))>;

/// Any SQL expression: a column, a bound value, an operator, a function call,
/// a subquery. A C++ value converts to a bound parameter wherever an
/// Expression is expected: in `notes.c("id") == 3` the 3 is `?` (`$1`).
class Expression {
 public:
  /// Made by the operators and functions below; Node is internal.
  explicit Expression(std::shared_ptr<const detail::Node> node) : node_(std::move(node)) {}
  /// A bound value (anything a db::Value is made from; NULL included).
  template <class T>
  requires(!std::derived_from<T, Expression> && std::constructible_from<Value, T>) Expression(T value)
      : node_(literal(Value(std::move(value)))) {}

  /// `expr LIKE pattern` (`%` any run of characters, `_` one character).
  /// Note: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
  Expression like(const Expression& pattern) const;
  /// LIKE ignoring case on both backends (ILIKE on PostgreSQL; SQLite's LIKE
  /// ignores ASCII case only).
  Expression ilike(const Expression& pattern) const;
  /// `expr IN (values...)`; an empty list is valid and matches nothing.
  Expression in_(std::vector<Value> values) const;
  /// `expr IN (values...)` from any range of values: `in_(ids)`.
  template <std::ranges::input_range Range>
  requires std::constructible_from<Value, std::ranges::range_reference_t<Range>> Expression in_(const Range& values)
  const { return in_(std::vector<Value>(std::ranges::begin(values), std::ranges::end(values))); }
  /// `expr IN (SELECT ...)`: the subquery selects one column.
  Expression in_(const Select& subquery) const;
  /// `expr NOT IN (values...)`; an empty list matches every row.
  Expression not_in(std::vector<Value> values) const;
  /// `expr NOT IN (values...)` from any range of values.
  template <std::ranges::input_range Range>
  requires std::constructible_from<Value, std::ranges::range_reference_t<Range>> Expression not_in(const Range& values)
  const { return not_in(std::vector<Value>(std::ranges::begin(values), std::ranges::end(values))); }
  /// `expr NOT IN (SELECT ...)`.
  Expression not_in(const Select& subquery) const;
  /// `expr BETWEEN low AND high` (both ends included).
  Expression between(const Expression& low, const Expression& high) const;
  /// `expr IS NULL`.
  Expression is_null() const;
  /// `expr IS NOT NULL`.
  Expression is_not_null() const;
  /// `expr AS "name"` in a select list: the result column's name.
  Expression label(std::string name) const;
  /// Ascending order, for order_by().
  OrderBy asc() const;
  /// Descending order, for order_by().
  OrderBy desc() const;

  /// The tree's root (for the compiler).
  const std::shared_ptr<const detail::Node>& node() const { return node_; }

 private:
  static std::shared_ptr<const detail::Node> literal(Value value);

  std::shared_ptr<const detail::Node> node_;
};

/// A column of one table (or of an alias of it), as used in queries:
/// `notes.c("text")`. It is an Expression, so it goes anywhere one does.
///
/// `==` and the other comparisons build an Expression rather than compare
/// references (as in SQLAlchemy); use same_as() to compare two references.
class ColumnRef : public Expression {
 public:
  /// Made by Table::c(); `index` is the column's position in the table, and
  /// `alias` the name the table goes by in the query (empty: its own name).
  ColumnRef(std::shared_ptr<const detail::TableData> table, std::size_t index, std::string alias = {});

  /// The column's name.
  const std::string& name() const;
  /// The name of the column's table.
  const std::string& table_name() const;
  /// The column's definition.
  const Column& column() const;
  /// The same column of the same table under the same alias.
  bool same_as(const ColumnRef& other) const;

  /// The table's shared definition (for the compiler).
  const std::shared_ptr<const detail::TableData>& table() const;
  /// The column's position in its table.
  std::size_t index() const;
};

/// One ORDER BY term: an expression, ascending unless desc(), with NULLs where
/// the database puts them unless nulls_first() or nulls_last().
class OrderBy {
 public:
  enum class Nulls { database_default, first, last };

  /// Ascending by `expression` (implicit, so `order_by(notes.c("id"))` reads naturally).
  OrderBy(Expression expression, bool descending = false, Nulls nulls = Nulls::database_default)
      : expression_(std::move(expression)), descending_(descending), nulls_(nulls) {}
  /// Ascending by a column.
  OrderBy(const ColumnRef& column) : OrderBy(Expression(column)) {}

  /// NULLs before every value (`NULLS FIRST`).
  [[nodiscard]] OrderBy nulls_first() const { return OrderBy(expression_, descending_, Nulls::first); }
  /// NULLs after every value (`NULLS LAST`).
  [[nodiscard]] OrderBy nulls_last() const { return OrderBy(expression_, descending_, Nulls::last); }

  /// What is ordered by.
  const Expression& expression() const { return expression_; }
  /// DESC rather than ASC.
  bool descending() const { return descending_; }
  /// Where NULLs go.
  Nulls nulls() const { return nulls_; }

 private:
  Expression expression_;
  bool descending_;
  Nulls nulls_;
};

/// What the operators below accept: an Expression or a value to bind.
template <class T>
concept SqlOperand = std::derived_from<std::remove_cvref_t<T>, Expression> || std::constructible_from<Value, T>;
/// Two operands of which at least one is an Expression: `3 == 4` stays C++.
template <class L, class R>
concept SqlOperands = SqlOperand<L> && SqlOperand<R> &&
    (std::derived_from<std::remove_cvref_t<L>, Expression> || std::derived_from<std::remove_cvref_t<R>, Expression>);

namespace detail {
/// `left op right`; `= NULL` and `<> NULL` become IS [NOT] NULL, as in
/// SQLAlchemy. @throws ProgrammingError for `<`, `<=`, `>`, `>=` with NULL.
Expression binary(const Expression& left, std::string_view op, const Expression& right);
}  // namespace detail

/// `left = right`; comparing with NULL gives `IS NULL`.
template <class L, class R>
requires SqlOperands<L, R> Expression operator==(const L& left, const R& right) {
  return detail::binary(Expression(left), "=", Expression(right));
}
/// `left <> right`; comparing with NULL gives `IS NOT NULL`.
template <class L, class R>
requires SqlOperands<L, R> Expression operator!=(const L& left, const R& right) {
  return detail::binary(Expression(left), "<>", Expression(right));
}
/// `left < right`. @throws ProgrammingError if a side is NULL (never true).
template <class L, class R>
requires SqlOperands<L, R> Expression operator<(const L& left, const R& right) {
  return detail::binary(Expression(left), "<", Expression(right));
}
/// `left <= right`. @throws ProgrammingError if a side is NULL.
template <class L, class R>
requires SqlOperands<L, R> Expression operator<=(const L& left, const R& right) {
  return detail::binary(Expression(left), "<=", Expression(right));
}
/// `left > right`. @throws ProgrammingError if a side is NULL.
template <class L, class R>
requires SqlOperands<L, R> Expression operator>(const L& left, const R& right) {
  return detail::binary(Expression(left), ">", Expression(right));
}
/// `left >= right`. @throws ProgrammingError if a side is NULL.
template <class L, class R>
requires SqlOperands<L, R> Expression operator>=(const L& left, const R& right) {
  return detail::binary(Expression(left), ">=", Expression(right));
}
/// `left + right`.
template <class L, class R>
requires SqlOperands<L, R> Expression operator+(const L& left, const R& right) {
  return detail::binary(Expression(left), "+", Expression(right));
}
/// `left - right`.
template <class L, class R>
requires SqlOperands<L, R> Expression operator-(const L& left, const R& right) {
  return detail::binary(Expression(left), "-", Expression(right));
}
/// `left * right`.
template <class L, class R>
requires SqlOperands<L, R> Expression operator*(const L& left, const R& right) {
  return detail::binary(Expression(left), "*", Expression(right));
}
/// `left / right` (integer division when both are integers, as in SQL).
template <class L, class R>
requires SqlOperands<L, R> Expression operator/(const L& left, const R& right) {
  return detail::binary(Expression(left), "/", Expression(right));
}

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
template <class A, class B>
requires std::derived_from<A, Expression> && std::derived_from<B, Expression> Expression operator&&(const A& a,
                                                                                                    const B& b) {
  return and_(std::vector<Expression>{a, b});
}
/// `a || b` is `db::or_(a, b)`.
template <class A, class B>
requires std::derived_from<A, Expression> && std::derived_from<B, Expression> Expression operator||(const A& a,
                                                                                                    const B& b) {
  return or_(std::vector<Expression>{a, b});
}
/// `!a` is `db::not_(a)`.
template <class A>
requires std::derived_from<A, Expression> Expression operator!(const A& a) { return not_(a); }

/// Any SQL function by name, arguments bound or expressions:
/// `db::func("lower", {notes.c("text")})`, `db::func("coalesce", {x, 0})`.
/// @throws ProgrammingError unless `name` is an identifier (letters, digits, `_`).
Expression func(std::string name, std::vector<Expression> arguments = {});
/// `count(*)`: the rows of a group.
Expression count();
/// `count(expr)`: the rows where `expr` is not NULL.
Expression count(const Expression& expression);
/// `count(DISTINCT expr)`.
Expression count_distinct(const Expression& expression);
/// `sum(expr)` (NULL over no rows).
Expression sum(const Expression& expression);
/// `min(expr)`.
Expression min(const Expression& expression);
/// `max(expr)`.
Expression max(const Expression& expression);
/// `avg(expr)` (a NUMERIC on PostgreSQL, a REAL on SQLite).
Expression avg(const Expression& expression);

/// One `WHEN condition THEN result` of a case_().
struct When {
  Expression condition;
  Expression result;
};
/// `CASE WHEN ... THEN ... [ELSE otherwise] END`: the result of the first
/// condition that holds; `otherwise` (NULL if not given) when none does.
/// @throws ProgrammingError when `whens` is empty.
Expression case_(std::vector<When> whens, std::optional<Expression> otherwise = std::nullopt);

/// `EXISTS (SELECT ...)`: the subquery returns a row. Tables of the enclosing
/// query are correlated, as in SQLAlchemy.
Expression exists(const Select& subquery);

/// One step into a JSON document: an object's key or an array's index.
using JsonStep = std::variant<std::string, std::int64_t>;
/// The value at `path` in a JSON column, as text (NULL where there is none):
/// `db::json_text(notes.c("doc"), {"tags", 0}) == "urgent"`. A string comes
/// without its quotes, a number or boolean as its JSON text ("3", "true"), an
/// object or array as JSON. `jsonb_extract_path_text` on PostgreSQL,
/// `json_extract` on SQLite; the steps are bound parameters.
/// @throws ProgrammingError for an empty path, or a key holding `"` (SQLite's paths cannot).
Expression json_text(const Expression& document, std::vector<JsonStep> path);

/// In an upsert's on_conflict_do_update(), the value the row proposed for
/// insertion had for `column`: `excluded(notes.c("text"))` (`EXCLUDED."text"`).
Expression excluded(const ColumnRef& column);

}  // namespace starling::db

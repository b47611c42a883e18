#include <starling/db/expression.hpp>

#include "query/node.hpp"
#include "query/sql_writer.hpp"
#include "schema/table_data.hpp"

namespace starling::db {

namespace detail {

Expression make_expression(Node node) { return Expression(std::make_shared<const Node>(std::move(node))); }

}  // namespace detail

namespace {

using Kind = detail::Node::Kind;
using detail::make_expression;
using detail::Node;

Expression unary(Kind kind, const Expression& operand) {
  Node node;
  node.kind = kind;
  node.children = {operand};
  return make_expression(std::move(node));
}

bool is_null_literal(const Expression& expression) {
  return expression.node()->kind == Kind::literal && expression.node()->value.is_null();
}

bool is_comparison(std::string_view op) {
  return op == "=" || op == "<>" || op == "<" || op == "<=" || op == ">" || op == ">=";
}

// What a message calls an expression: a column by name, anything else generically.
std::string describe(const Expression& expression) {
  const Node& node = *expression.node();
  if (node.kind == Kind::column) return detail::describe_column(*node.table, node.index);
  return "an expression";
}

Expression in_values(const Expression& operand, std::vector<Value> values, bool negated) {
  Node node;
  node.kind = Kind::in_list;
  node.children = {operand};
  for (auto& value : values) value = detail::compared_with(operand, value);
  node.values = std::move(values);
  node.flag = negated;
  return make_expression(std::move(node));
}

Expression in_select(const Expression& operand, const Select& subquery, bool negated) {
  Node node;
  node.kind = Kind::in_select;
  node.children = {operand};
  node.select = std::make_shared<const Select>(subquery);
  node.flag = negated;
  return make_expression(std::move(node));
}

// and_(and_(a, b), c) is a AND b AND c: flat trees compile without redundant parentheses.
Expression combine(Kind kind, std::vector<Expression> conditions) {
  if (conditions.size() == 1) return std::move(conditions.front());
  Node node;
  node.kind = kind;
  for (auto& condition : conditions) {
    if (condition.node()->kind == kind) {
      const auto& nested = condition.node()->children;
      node.children.insert(node.children.end(), nested.begin(), nested.end());
    } else {
      node.children.push_back(std::move(condition));
    }
  }
  return make_expression(std::move(node));
}

}  // namespace

std::shared_ptr<const detail::Node> Expression::literal(Value value) {
  Node node;
  node.kind = Kind::literal;
  node.value = std::move(value);
  return std::make_shared<const Node>(std::move(node));
}

Expression Expression::like(const Expression& pattern) const { return detail::binary(*this, "LIKE", pattern); }

Expression Expression::ilike(const Expression& pattern) const { return detail::binary(*this, "ILIKE", pattern); }

Expression Expression::in_(std::vector<Value> values) const { return in_values(*this, std::move(values), false); }

Expression Expression::in_(const Select& subquery) const { return in_select(*this, subquery, false); }

Expression Expression::not_in(std::vector<Value> values) const { return in_values(*this, std::move(values), true); }

Expression Expression::not_in(const Select& subquery) const { return in_select(*this, subquery, true); }

Expression Expression::between(const Expression& low, const Expression& high) const {
  Node node;
  node.kind = Kind::between;
  node.children = {*this, detail::compared_with(*this, low), detail::compared_with(*this, high)};
  return make_expression(std::move(node));
}

Expression Expression::is_null() const { return unary(Kind::is_null, *this); }

Expression Expression::is_not_null() const { return unary(Kind::is_not_null, *this); }

Expression Expression::label(std::string name) const {
  if (name.empty()) throw ProgrammingError("label() needs a name");
  Node node;
  node.kind = Kind::label;
  node.children = {*this};
  node.name = std::move(name);
  return make_expression(std::move(node));
}

OrderBy Expression::asc() const { return OrderBy(*this, false); }

OrderBy Expression::desc() const { return OrderBy(*this, true); }

namespace {

std::shared_ptr<const Node> column_node(std::shared_ptr<const detail::TableData> table, std::size_t index,
                                        std::string alias) {
  Node node;
  node.kind = Kind::column;
  node.table = std::move(table);
  node.index = index;
  node.alias = std::move(alias);
  return std::make_shared<const Node>(std::move(node));
}

}  // namespace

ColumnRef::ColumnRef(std::shared_ptr<const detail::TableData> table, std::size_t index, std::string alias)
    : Expression(column_node(std::move(table), index, std::move(alias))) {}

const std::string& ColumnRef::name() const { return column().name(); }

const std::string& ColumnRef::table_name() const { return table()->name; }

const Column& ColumnRef::column() const { return table()->columns[index()]; }

bool ColumnRef::same_as(const ColumnRef& other) const {
  return table() == other.table() && index() == other.index() && node()->alias == other.node()->alias;
}

const std::shared_ptr<const detail::TableData>& ColumnRef::table() const { return node()->table; }

std::size_t ColumnRef::index() const { return node()->index; }

Expression detail::binary(const Expression& left, std::string_view op, const Expression& right) {
  // `x = NULL` is never true in SQL; SQLAlchemy reads `== None` as IS NULL, and so do we.
  const bool left_null = is_null_literal(left);
  if (left_null || is_null_literal(right)) {
    const Expression& other = left_null ? right : left;
    if (op == "=") return other.is_null();
    if (op == "<>") return other.is_not_null();
    throw ProgrammingError("comparing " + describe(other) + " " + std::string(op) +
                           " NULL is never true; use == / != or is_null()");
  }
  Node node;
  node.kind = Kind::binary;
  node.name = op;
  if (is_comparison(op))
    node.children = {compared_with(right, left), compared_with(left, right)};
  else
    node.children = {left, right};
  return make_expression(std::move(node));
}

Expression and_(std::vector<Expression> conditions) { return combine(Kind::all, std::move(conditions)); }

Expression or_(std::vector<Expression> conditions) { return combine(Kind::any, std::move(conditions)); }

Expression not_(const Expression& condition) { return unary(Kind::negate, condition); }

}  // namespace starling::db

#include <starling/db/expression.hpp>

#include "query/node.hpp"
#include "schema/table_data.hpp"

namespace starling::db {

namespace {

using Kind = detail::Node::Kind;

Expression make(detail::Node node) { return Expression(std::make_shared<const detail::Node>(std::move(node))); }

Expression on_column(Kind kind, const ColumnRef& column) {
  detail::Node node;
  node.kind = kind;
  node.column = column;
  return make(std::move(node));
}

Expression compare(const ColumnRef& column, std::string op, const Value& value) {
  // `x = NULL` is never true in SQL; SQLAlchemy reads `== None` as IS NULL, and so do we.
  if (value.is_null()) {
    if (op == "=") return column.is_null();
    if (op == "<>") return column.is_not_null();
    throw ProgrammingError("comparing " + detail::describe_column(*column.table(), column.index()) + " " + op +
                           " NULL is never true; use == / != or is_null()");
  }
  detail::Node node;
  node.kind = Kind::compare;
  node.column = column;
  node.op = std::move(op);
  node.value = value;
  return make(std::move(node));
}

Expression compare(const ColumnRef& left, std::string op, const ColumnRef& right) {
  detail::Node node;
  node.kind = Kind::compare;
  node.column = left;
  node.op = std::move(op);
  node.other = right;
  return make(std::move(node));
}

// and_(and_(a, b), c) is a AND b AND c: flat trees compile without redundant parentheses.
Expression combine(Kind kind, std::vector<Expression> conditions) {
  if (conditions.size() == 1) return std::move(conditions.front());
  detail::Node node;
  node.kind = kind;
  for (auto& condition : conditions) {
    if (condition.node()->kind == kind) {
      const auto& nested = condition.node()->children;
      node.children.insert(node.children.end(), nested.begin(), nested.end());
    } else {
      node.children.push_back(std::move(condition));
    }
  }
  return make(std::move(node));
}

}  // namespace

ColumnRef::ColumnRef(std::shared_ptr<const detail::TableData> table, std::size_t index)
    : table_(std::move(table)), index_(index) {}

const std::string& ColumnRef::name() const { return table_->columns[index_].name(); }

const std::string& ColumnRef::table_name() const { return table_->name; }

const Column& ColumnRef::column() const { return table_->columns[index_]; }

Expression ColumnRef::like(std::string pattern) const {
  detail::Node node;
  node.kind = Kind::like;
  node.column = *this;
  node.value = std::move(pattern);
  return make(std::move(node));
}

Expression ColumnRef::in_(std::vector<Value> values) const {
  detail::Node node;
  node.kind = Kind::in;
  node.column = *this;
  node.values = std::move(values);
  return make(std::move(node));
}

Expression ColumnRef::is_null() const { return on_column(Kind::is_null, *this); }

Expression ColumnRef::is_not_null() const { return on_column(Kind::is_not_null, *this); }

OrderBy ColumnRef::asc() const { return OrderBy(*this, false); }

OrderBy ColumnRef::desc() const { return OrderBy(*this, true); }

Expression operator==(const ColumnRef& column, const Value& value) { return compare(column, "=", value); }
Expression operator!=(const ColumnRef& column, const Value& value) { return compare(column, "<>", value); }
Expression operator<(const ColumnRef& column, const Value& value) { return compare(column, "<", value); }
Expression operator<=(const ColumnRef& column, const Value& value) { return compare(column, "<=", value); }
Expression operator>(const ColumnRef& column, const Value& value) { return compare(column, ">", value); }
Expression operator>=(const ColumnRef& column, const Value& value) { return compare(column, ">=", value); }

Expression operator==(const ColumnRef& left, const ColumnRef& right) { return compare(left, "=", right); }
Expression operator!=(const ColumnRef& left, const ColumnRef& right) { return compare(left, "<>", right); }
Expression operator<(const ColumnRef& left, const ColumnRef& right) { return compare(left, "<", right); }
Expression operator<=(const ColumnRef& left, const ColumnRef& right) { return compare(left, "<=", right); }
Expression operator>(const ColumnRef& left, const ColumnRef& right) { return compare(left, ">", right); }
Expression operator>=(const ColumnRef& left, const ColumnRef& right) { return compare(left, ">=", right); }

Expression and_(std::vector<Expression> conditions) { return combine(Kind::all, std::move(conditions)); }

Expression or_(std::vector<Expression> conditions) { return combine(Kind::any, std::move(conditions)); }

Expression not_(const Expression& condition) {
  detail::Node node;
  node.kind = Kind::negate;
  node.children.push_back(condition);
  return make(std::move(node));
}

}  // namespace starling::db

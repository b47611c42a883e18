#pragma once
// The node of an Expression tree. One flat struct rather than a class per kind:
// the compiler is the only reader and a switch over `kind` keeps it in one place.

#include <starling/db/expression.hpp>

#include <optional>
#include <string>
#include <vector>

namespace starling::db::detail {

struct Node {
  enum class Kind { compare, like, in, is_null, is_not_null, all, any, negate, constant };

  Kind kind = Kind::constant;
  std::optional<ColumnRef> column;   // compare, like, in, is_null, is_not_null
  std::string op;                    // compare: "=", "<>", "<", "<=", ">", ">="
  std::optional<ColumnRef> other;    // compare: a column on the right instead of `value`
  Value value;                       // compare, like
  std::vector<Value> values;         // in
  std::vector<Expression> children;  // all (AND), any (OR), negate (one child)
  bool truth = false;                // constant
};

}  // namespace starling::db::detail

#pragma once
// The node of an Expression tree. One flat struct rather than a class per kind:
// the compiler is the only reader and a switch over `kind` keeps it in one place.

#include <starling/db/expression.hpp>
#include <starling/db/query.hpp>

#include <memory>
#include <string>
#include <vector>

namespace starling::db::detail {

struct TableData;
struct SourceData;

struct Node {
  enum class Kind {
    column,         // table, index, alias
    source_column,  // source (a named subquery), name
    literal,        // value
    binary,         // children[0] name children[1]: comparisons, arithmetic, LIKE, ILIKE
    in_list,        // children[0] IN (values); negated: NOT IN
    in_select,      // children[0] IN (select); negated: NOT IN
    between,        // children[0] BETWEEN children[1] AND children[2]
    is_null,        // children[0] IS NULL
    is_not_null,    // children[0] IS NOT NULL
    all,            // children joined by AND
    any,            // children joined by OR
    negate,         // NOT (children[0])
    constant,       // truth
    function,       // name(children); distinct: name(DISTINCT children[0])
    count_star,     // count(*)
    case_,          // CASE WHEN c0 THEN c1 ... [ELSE last] END; has_else
    exists,         // EXISTS (select)
    scalar_select,  // (select)
    label,          // children[0] AS "name"
    excluded,       // EXCLUDED."name"
    json_text,      // children[0]'s value at `values` (keys as text, indexes as integers), as text
  };

  Kind kind = Kind::constant;
  std::shared_ptr<const TableData> table;    // column
  std::size_t index = 0;                     // column
  std::string alias;                         // column: the table's name in the query, if aliased
  std::shared_ptr<const SourceData> source;  // source_column
  std::string name;                          // operator, function, label, column name
  Value value;                               // literal
  std::vector<Value> values;                 // in_list, json_text
  std::vector<Expression> children;          // see Kind
  std::shared_ptr<const Select> select;      // in_select, exists, scalar_select
  bool flag = false;                         // constant: truth; in_*: negated; function: DISTINCT; case_: has ELSE
};

// A node made into an Expression.
Expression make_expression(Node node);

}  // namespace starling::db::detail

#pragma once
// SqlWriter: appends SQL text and bound parameters in the dialect's style.
// Every builder statement compiles through one, so quoting, placeholders and
// expression rendering live in one place.

#include <starling/db/expression.hpp>
#include <starling/db/query.hpp>
#include <starling/db/statement.hpp>

#include "query/overlay.hpp"
#include "query/source.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace starling::db::detail {

struct Node;

class SqlWriter {
 public:
  // `qualify`: write columns as "table"."column" (when a statement reads several tables).
  SqlWriter(Dialect dialect, bool qualify) : dialect_(dialect), qualify_(qualify) {}

  Dialect dialect() const { return dialect_; }
  bool qualify() const { return qualify_; }
  void set_qualify(bool qualify) { qualify_ = qualify; }

  SqlWriter& raw(std::string_view sql);
  SqlWriter& identifier(std::string_view name);
  // A placeholder for `value`: `?` or `$n`.
  SqlWriter& param(Value value);
  // An expression whose bound values take their type from what they meet
  // (`"id" = $1`): the placeholder alone.
  SqlWriter& expression(const Expression& expression);
  // An expression standing alone (a select list, a function argument, a CASE
  // result): on PostgreSQL a bound value is cast to its type, as nothing else
  // tells the server what `$1` is.
  SqlWriter& value_expression(const Expression& expression);
  // Select-list items: an expression, `AS "label"` when it has one.
  SqlWriter& select_list(const std::vector<Expression>& expressions);
  // A SELECT nested in this statement. `correlate`: tables of the enclosing
  // queries are not listed in its FROM (WHERE and select-list subqueries).
  SqlWriter& select(const Select& query, bool correlate);
  // `expressions` separated by ", ", each as value_expression().
  SqlWriter& list(const std::vector<Expression>& expressions);

  // The FROM entries of the enclosing queries, innermost last (for correlation).
  std::vector<std::vector<SourcePtr>>& scopes() { return scopes_; }

  CompiledQuery finish(bool read_only, bool returns_id = false) &&;

 private:
  SqlWriter& operand(const Expression& expression, bool typed);
  SqlWriter& binary(const Expression& left, std::string_view op, const Expression& right);
  SqlWriter& json_text(const Node& node);

  Dialect dialect_;
  bool qualify_;
  std::string sql_;
  std::vector<Value> params_;
  std::vector<std::vector<SourcePtr>> scopes_;
};

// The distinct FROM entries an expression's columns belong to, appended to
// `sources` in order of appearance. Subqueries in it keep their own.
void collect_sources(const Expression& expression, std::vector<SourcePtr>& sources);
// `source` appended to `sources` unless already there.
void add_source(std::vector<SourcePtr>& sources, const SourcePtr& source);

// Each name checked against `table`: @throws ProgrammingError naming an
// unknown column and the table, or a name given twice.
void check_names(const TableData& table, const std::vector<const std::string*>& names);

// Each of `values`' names checked against `table` and merged over `into`.
template <class Pairs>
Pairs merge_values(const TableData& table, Pairs into, const Pairs& values) {
  std::vector<const std::string*> names;
  for (const auto& entry : values) names.push_back(&entry.first);
  check_names(table, names);
  return overlay(std::move(into), values);
}

// `values` with each checked against its column's type and put in the form
// both backends store alike: a UUID lower-cased, an instant in UTC, a date or
// a time without zone as ISO text.
// @throws DataError naming the column (not the value).
Values checked_values(const TableData& table, Values values);

// A value checked against column `index` of `table` and normalised, as
// checked_values() does. @throws DataError naming the column.
Value checked_value(const TableData& table, std::size_t index, const Value& value);

// What is compared with `operand` (in =, <, IN, BETWEEN...), in the form stored
// when `operand` is a column whose values are normalised (a UUID, a date or a
// time): so that comparing with "123E4567-..." or "2024-01-01T10:00+02:00"
// gives the same rows on both backends. Anything else is returned as it is.
// @throws DataError naming the column when the value is no value of its type.
Value compared_with(const Expression& operand, const Value& value);
Expression compared_with(const Expression& operand, const Expression& compared);

// `set` merged over `into`, each name checked, each bound value checked as
// checked_values() does, and only `table`'s own columns used (`statement`
// names it in the error). @throws ProgrammingError; DataError.
Assignments checked_assignments(const TableData& table, Assignments into, const Assignments& set,
                                std::string_view statement);
// @throws ProgrammingError naming `statement`, `clause` and the column when an
// expression uses a column of another table than `table`.
void check_own_columns(const TableData& table, const std::vector<Expression>& expressions, std::string_view statement,
                       std::string_view clause);

// An UPDATE's or DELETE's WHERE with `condition` ANDed on; it may only use the
// target table's columns. @throws ProgrammingError naming the statement, the
// table and the foreign column.
Expression single_table_where(const TableData& table, const std::optional<Expression>& where,
                              const Expression& condition, std::string_view statement);

// ` RETURNING ...` for `table`: `columns`, or every column when empty.
void write_returning(SqlWriter& sql, const TableData& table, const std::vector<Expression>& columns);

// A Values list as Assignments (bound values as expressions).
Assignments to_assignments(const Values& values);

}  // namespace starling::db::detail

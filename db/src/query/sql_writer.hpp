#pragma once
// SqlWriter: appends SQL text and bound parameters in the dialect's style.
// Every builder statement compiles through one, so quoting, placeholders and
// expression rendering live in one place.

#include <starling/db/expression.hpp>
#include <starling/db/statement.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace starling::db::detail {

class SqlWriter {
 public:
  // `qualify`: write columns as "table"."column" (when a statement reads several tables).
  SqlWriter(Dialect dialect, bool qualify) : dialect_(dialect), qualify_(qualify) {}

  SqlWriter& raw(std::string_view sql);
  SqlWriter& identifier(std::string_view name);
  SqlWriter& column(const ColumnRef& column);
  // A placeholder for `value`: `?` or `$n`.
  SqlWriter& param(Value value);
  SqlWriter& expression(const Expression& condition);

  CompiledQuery finish(bool read_only, bool returns_id = false) &&;

 private:
  Dialect dialect_;
  bool qualify_;
  std::string sql_;
  std::vector<Value> params_;
};

// The distinct tables an expression's columns belong to, appended to `tables` in order of appearance.
void collect_tables(const Expression& condition, std::vector<const TableData*>& tables);

// Each of `values`' names checked against `table` and merged over `into`.
// @throws ProgrammingError naming an unknown column and the table, or a name given twice in `values`.
Values merge_values(const TableData& table, Values into, const Values& values);

// An UPDATE's or DELETE's WHERE with `condition` ANDed on; it may only use the
// target table's columns. @throws ProgrammingError naming the statement, the
// table and the foreign column.
Expression single_table_where(const TableData& table, const std::optional<Expression>& where,
                              const Expression& condition, std::string_view statement);

}  // namespace starling::db::detail

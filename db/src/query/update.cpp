#include <starling/db/query.hpp>

#include <starling/db/schema.hpp>

#include "query/sql_writer.hpp"
#include "schema/table_data.hpp"

namespace starling::db {

Update::Update(const Table& table) : table_(table.data()) {
  if (!table.alias().empty())
    throw ProgrammingError("UPDATE of alias \"" + table.alias() + "\": update table \"" + table.name() + "\" itself");
}

Update Update::where(const Expression& condition) const {
  Update copy = *this;
  copy.where_ = detail::single_table_where(*table_, where_, condition, "UPDATE");
  return copy;
}

Update Update::values(const Values& values) const {
  Update copy = *this;
  copy.values_ =
      detail::merge_values(*table_, values_, detail::to_assignments(detail::checked_values(*table_, values)));
  return copy;
}

Update Update::set(std::string column, const Expression& value) const {
  Update copy = *this;
  copy.values_ = detail::checked_assignments(*table_, values_, {{std::move(column), value}}, "UPDATE");
  return copy;
}

Update Update::returning(std::vector<Expression> columns) const {
  detail::check_own_columns(*table_, columns, "UPDATE", "RETURNING");
  Update copy = *this;
  copy.returning_ = std::move(columns);
  return copy;
}

CompiledQuery Update::compile(Dialect dialect) const {
  if (values_.empty()) throw ProgrammingError("UPDATE \"" + table_->name + "\" has no values to set: call values()");
  detail::SqlWriter sql(dialect, false);
  sql.raw("UPDATE ").identifier(table_->name).raw(" SET ");
  // A subquery that uses this table's columns reads the row being changed.
  sql.scopes().push_back({detail::table_source(table_, {})});
  for (std::size_t i = 0; i < values_.size(); ++i) {
    if (i > 0) sql.raw(", ");
    sql.identifier(values_[i].first).raw(" = ").expression(values_[i].second);
  }
  if (where_) sql.raw(" WHERE ").expression(*where_);
  if (returning_) detail::write_returning(sql, *table_, *returning_);
  auto compiled = std::move(sql).finish(false);
  compiled.returning = returning_.has_value();
  return compiled;
}

CompiledQuery Update::compile_with(Dialect dialect, const Values& values) const {
  return this->values(values).compile(dialect);
}

}  // namespace starling::db

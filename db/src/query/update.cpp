#include <starling/db/query.hpp>

#include <starling/db/schema.hpp>

#include "query/sql_writer.hpp"
#include "schema/table_data.hpp"

namespace starling::db {

Update::Update(const Table& table) : table_(table.data()) {}

Update Update::where(const Expression& condition) const {
  Update copy = *this;
  copy.where_ = detail::single_table_where(*table_, where_, condition, "UPDATE");
  return copy;
}

Update Update::values(const Values& values) const {
  Update copy = *this;
  copy.values_ = detail::merge_values(*table_, values_, values);
  return copy;
}

CompiledQuery Update::compile(Dialect dialect) const {
  if (values_.empty()) throw ProgrammingError("UPDATE \"" + table_->name + "\" has no values to set: call values()");
  detail::SqlWriter sql(dialect, false);
  sql.raw("UPDATE ").identifier(table_->name).raw(" SET ");
  for (std::size_t i = 0; i < values_.size(); ++i) {
    if (i > 0) sql.raw(", ");
    sql.identifier(values_[i].first).raw(" = ").param(values_[i].second);
  }
  if (where_) sql.raw(" WHERE ").expression(*where_);
  return std::move(sql).finish(false);
}

CompiledQuery Update::compile_with(Dialect dialect, const Values& values) const {
  return this->values(values).compile(dialect);
}

}  // namespace starling::db

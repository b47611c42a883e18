#include <starling/db/query.hpp>

#include <starling/db/schema.hpp>

#include "query/sql_writer.hpp"
#include "schema/table_data.hpp"

namespace starling::db {

Delete::Delete(const Table& table) : table_(table.data()) {
  if (!table.alias().empty())
    throw ProgrammingError("DELETE FROM alias \"" + table.alias() + "\": delete from table \"" + table.name() +
                           "\" itself");
}

Delete Delete::where(const Expression& condition) const {
  Delete copy = *this;
  copy.where_ = detail::single_table_where(*table_, where_, condition, "DELETE FROM");
  return copy;
}

Delete Delete::returning(std::vector<Expression> columns) const {
  detail::check_own_columns(*table_, columns, "DELETE FROM", "RETURNING");
  Delete copy = *this;
  copy.returning_ = std::move(columns);
  return copy;
}

CompiledQuery Delete::compile(Dialect dialect) const {
  detail::SqlWriter sql(dialect, false);
  sql.raw("DELETE FROM ").identifier(table_->name);
  // A subquery that uses this table's columns reads the row being changed.
  sql.scopes().push_back({detail::table_source(table_, {})});
  if (where_) sql.raw(" WHERE ").expression(*where_);
  if (returning_) detail::write_returning(sql, *table_, *returning_);
  auto compiled = std::move(sql).finish(false);
  compiled.returning = returning_.has_value();
  return compiled;
}

}  // namespace starling::db

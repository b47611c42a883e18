#include <starling/db/query.hpp>

#include <starling/db/schema.hpp>

#include "query/sql_writer.hpp"
#include "schema/table_data.hpp"

namespace starling::db {

Delete::Delete(const Table& table) : table_(table.data()) {}

Delete Delete::where(const Expression& condition) const {
  Delete copy = *this;
  copy.where_ = detail::single_table_where(*table_, where_, condition, "DELETE FROM");
  return copy;
}

CompiledQuery Delete::compile(Dialect dialect) const {
  detail::SqlWriter sql(dialect, false);
  sql.raw("DELETE FROM ").identifier(table_->name);
  if (where_) sql.raw(" WHERE ").expression(*where_);
  return std::move(sql).finish(false);
}

}  // namespace starling::db

#include <starling/db/query.hpp>

#include <starling/db/schema.hpp>

#include "query/sql_writer.hpp"
#include "schema/table_data.hpp"

#include <algorithm>

namespace starling::db {

namespace {

void add_table(std::vector<const detail::TableData*>& tables, const detail::TableData* table) {
  if (std::find(tables.begin(), tables.end(), table) == tables.end()) tables.push_back(table);
}

// Two distinct definitions with one name would make an ambiguous FROM list.
void check_distinct_names(const std::vector<const detail::TableData*>& tables) {
  for (std::size_t i = 0; i < tables.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (tables[i]->name == tables[j]->name)
        throw ProgrammingError("SELECT uses two different tables named \"" + tables[i]->name + "\"");
}

}  // namespace

Select Select::select_from(const Table& table) const {
  Select copy = *this;
  copy.from_ = table.data();
  return copy;
}

Select Select::where(const Expression& condition) const {
  Select copy = *this;
  copy.where_ = where_ ? and_(*where_, condition) : condition;
  return copy;
}

Select Select::order_by(const std::vector<OrderBy>& terms) const {
  Select copy = *this;
  copy.order_.insert(copy.order_.end(), terms.begin(), terms.end());
  return copy;
}

Select Select::limit(std::int64_t count) const {
  if (count < 0) throw ProgrammingError("LIMIT must not be negative (got " + std::to_string(count) + ")");
  Select copy = *this;
  copy.limit_ = count;
  return copy;
}

Select Select::offset(std::int64_t count) const {
  if (count < 0) throw ProgrammingError("OFFSET must not be negative (got " + std::to_string(count) + ")");
  Select copy = *this;
  copy.offset_ = count;
  return copy;
}

Select Select::count() const {
  Select copy = *this;
  copy.count_ = true;
  return copy;
}

CompiledQuery Select::compile(Dialect dialect) const {
  std::vector<const detail::TableData*> tables;
  if (from_) tables.push_back(from_.get());
  for (const auto& column : columns_) add_table(tables, column.table().get());
  if (where_) detail::collect_tables(*where_, tables);
  if (!count_)
    for (const auto& term : order_) add_table(tables, term.column().table().get());
  if (columns_.empty() && !from_ && !count_)
    throw ProgrammingError("SELECT has no columns: list them or call select_from()");
  if (tables.empty()) throw ProgrammingError("SELECT has no table: list columns or call select_from()");
  check_distinct_names(tables);

  // Columns are qualified only when the statement reads several tables: the
  // common single-table query stays as readable as hand-written SQL.
  detail::SqlWriter sql(dialect, tables.size() > 1);
  sql.raw("SELECT ");
  if (count_) {
    sql.raw("count(*)");
  } else if (columns_.empty()) {
    for (std::size_t i = 0; i < from_->columns.size(); ++i) {
      if (i > 0) sql.raw(", ");
      sql.column(ColumnRef(from_, i));
    }
  } else {
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) sql.raw(", ");
      sql.column(columns_[i]);
    }
  }
  sql.raw(" FROM ");
  for (std::size_t i = 0; i < tables.size(); ++i) {
    if (i > 0) sql.raw(", ");
    sql.identifier(tables[i]->name);
  }
  if (where_) sql.raw(" WHERE ").expression(*where_);
  if (count_) return std::move(sql).finish(true);

  for (std::size_t i = 0; i < order_.size(); ++i) {
    sql.raw(i == 0 ? " ORDER BY " : ", ").column(order_[i].column());
    if (order_[i].descending()) sql.raw(" DESC");
  }
  if (limit_) sql.raw(" LIMIT ").param(*limit_);
  // SQLite has no OFFSET without a LIMIT; -1 means none.
  if (offset_ && !limit_ && dialect == Dialect::sqlite) sql.raw(" LIMIT -1");
  if (offset_) sql.raw(" OFFSET ").param(*offset_);
  return std::move(sql).finish(true);
}

}  // namespace starling::db

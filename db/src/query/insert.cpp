#include <starling/db/query.hpp>

#include <starling/db/schema.hpp>

#include "query/sql_writer.hpp"
#include "schema/table_data.hpp"

#include <algorithm>

namespace starling::db {

namespace {

// Bound parameters per statement: SQLite's SQLITE_MAX_VARIABLE_NUMBER (since
// 3.32) and PostgreSQL's protocol limit (a 16-bit count).
constexpr std::size_t kSqliteMaxParams = 32766;
constexpr std::size_t kPostgresMaxParams = 65535;
// Past a thousand rows a bigger statement stops paying for itself in parse time.
constexpr std::size_t kMaxRowsPerInsert = 1000;

void write_head(detail::SqlWriter& sql, const detail::TableData& table, const Values& row) {
  sql.raw("INSERT INTO ").identifier(table.name);
  if (row.empty()) {
    sql.raw(" DEFAULT VALUES");
    return;
  }
  sql.raw(" (");
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (i > 0) sql.raw(", ");
    sql.identifier(row[i].first);
  }
  sql.raw(") VALUES ");
}

void write_row(detail::SqlWriter& sql, const Values& row) {
  sql.raw("(");
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (i > 0) sql.raw(", ");
    sql.param(row[i].second);
  }
  sql.raw(")");
}

// `row` in the column order of `first`.
// @throws ProgrammingError naming the row and a column only one of them sets.
Values in_order_of(const Values& first, const Values& row, std::size_t row_index, const std::string& table) {
  const auto fail = [&](const std::string& column, bool first_has_it) {
    throw ProgrammingError("execute_many on table \"" + table + "\": row " + std::to_string(row_index) +
                           (first_has_it ? " has no value for column \"" : " sets column \"") + column +
                           (first_has_it ? "\", which row 0 sets" : "\", which row 0 does not") +
                           " (every row of a multi-row insert sets the same columns)");
  };
  for (const auto& entry : row) {
    const auto named = [&](const auto& first_entry) { return first_entry.first == entry.first; };
    if (std::none_of(first.begin(), first.end(), named)) fail(entry.first, false);
  }
  Values ordered;
  ordered.reserve(first.size());
  for (const auto& first_entry : first) {
    const auto& name = first_entry.first;
    const auto found = std::find_if(row.begin(), row.end(), [&](const auto& entry) { return entry.first == name; });
    if (found == row.end()) fail(name, true);
    ordered.push_back(*found);
  }
  return ordered;
}

}  // namespace

Insert::Insert(const Table& table) : table_(table.data()) {}

Insert Insert::values(const Values& values) const {
  Insert copy = *this;
  copy.values_ = detail::merge_values(*table_, values_, values);
  return copy;
}

CompiledQuery Insert::compile(Dialect dialect) const {
  detail::SqlWriter sql(dialect, false);
  write_head(sql, *table_, values_);
  if (!values_.empty()) write_row(sql, values_);
  // SQLite reports the new id as last_insert_rowid; PostgreSQL must be asked.
  const auto id = table_->id_column();
  const bool returning = dialect == Dialect::postgresql && id.has_value();
  if (returning) sql.raw(" RETURNING ").identifier(table_->columns[*id].name());
  return std::move(sql).finish(false, returning);
}

CompiledQuery Insert::compile_with(Dialect dialect, const Values& values) const {
  return this->values(values).compile(dialect);
}

std::vector<CompiledQuery> Insert::compile_many(Dialect dialect, const std::vector<Values>& rows) const {
  std::vector<Values> merged;
  merged.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto row = detail::merge_values(*table_, values_, rows[i]);
    merged.push_back(i == 0 ? std::move(row) : in_order_of(merged.front(), row, i, table_->name));
  }
  std::vector<CompiledQuery> batches;
  if (merged.empty()) return batches;

  const std::size_t columns = merged.front().size();
  const std::size_t max_params = dialect == Dialect::sqlite ? kSqliteMaxParams : kPostgresMaxParams;
  // DEFAULT VALUES has no multi-row form: one statement per row.
  const std::size_t per_batch = columns == 0 ? 1 : std::min(kMaxRowsPerInsert, max_params / columns);
  for (std::size_t start = 0; start < merged.size(); start += per_batch) {
    const std::size_t end = std::min(merged.size(), start + per_batch);
    detail::SqlWriter sql(dialect, false);
    write_head(sql, *table_, merged[start]);
    for (std::size_t i = start; i < end && columns > 0; ++i) {
      if (i > start) sql.raw(", ");
      write_row(sql, merged[i]);
    }
    batches.push_back(std::move(sql).finish(false));
  }
  return batches;
}

}  // namespace starling::db

#include <starling/db/query.hpp>

#include <starling/db/schema.hpp>

#include "query/sql_writer.hpp"
#include "schema/table_data.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <unordered_map>

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
// `caller`: "execute_many" or "rows()".
Values in_order_of(const Values& first, const Values& row, std::size_t row_index, const std::string& table,
                   std::string_view caller) {
  const auto fail = [&](const std::string& column, bool first_has_it) {
    throw ProgrammingError(std::string(caller) + " on table \"" + table + "\": row " + std::to_string(row_index) +
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

// PostgreSQL refuses an upsert that would update one row twice, and SQLite
// applies both updates: two rows() with the same conflict target fail on both.
// Values are compared as JSON (1 and a Decimal "1" alike); a NULL never
// conflicts. A target column the rows leave to its default is the database's
// to judge: the check cannot see that value.
void check_distinct_targets(const std::vector<Values>& rows, const std::vector<ColumnRef>& target,
                            const std::string& table) {
  std::unordered_map<std::string, std::size_t> first_row_of;  // by the target's values
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::string key;
    bool comparable = true;
    for (const auto& column : target) {
      const auto found = std::ranges::find(rows[i], column.name(), &Values::value_type::first);
      if (found == rows[i].end()) return;  // every row leaves it to its default (rows() sets the same columns)
      if (found->second.is_null()) comparable = false;
      key.append(found->second.to_json().dump()).append("\n");
    }
    if (!comparable) continue;
    const auto [first, inserted] = first_row_of.try_emplace(std::move(key), i);
    if (inserted) continue;
    std::string names;
    for (const auto& column : target) names += (names.empty() ? "\"" : ", \"") + column.name() + "\"";
    throw ProgrammingError("INSERT INTO \"" + table + "\" rows() with on_conflict_do_update(): rows " +
                           std::to_string(first->second + 1) + " and " + std::to_string(i + 1) +
                           " have the same conflict target (" + names +
                           "); one statement updates a row once, so run them with execute_many()");
  }
}

}  // namespace

Insert::Insert(const Table& table) : table_(table.data()) {
  if (!table.alias().empty())
    throw ProgrammingError("INSERT into alias \"" + table.alias() + "\": insert into table \"" + table.name() +
                           "\" itself");
}

Insert Insert::values(const Values& values) const {
  Insert copy = *this;
  copy.values_ = detail::merge_values(*table_, values_, detail::checked_values(*table_, values));
  return copy;
}

Insert Insert::rows(const std::vector<Values>& rows) const {
  if (rows.empty()) throw ProgrammingError("INSERT INTO \"" + table_->name + "\": rows() needs at least one row");
  for (const auto& row : rows)
    if (row.empty() && values_.empty())
      throw ProgrammingError("INSERT INTO \"" + table_->name +
                             "\" rows(): a row sets no column; insert DEFAULT VALUES rows with execute_many()");
  Insert copy = *this;
  copy.rows_.clear();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto row = detail::merge_values(*table_, values_, detail::checked_values(*table_, rows[i]));
    copy.rows_.push_back(i == 0 ? std::move(row) : in_order_of(copy.rows_.front(), row, i, table_->name, "rows()"));
  }
  return copy;
}

Insert Insert::from_select(const std::vector<std::string>& columns, const Select& query) const {
  std::vector<const std::string*> names;
  for (const auto& name : columns) names.push_back(&name);
  detail::check_names(*table_, names);
  const auto selected = query.column_names().size();
  if (selected != 0 && selected != columns.size())
    throw ProgrammingError("INSERT INTO \"" + table_->name + "\" from_select(): " + std::to_string(columns.size()) +
                           " columns named, but the query selects " + std::to_string(selected));
  Insert copy = *this;
  copy.select_columns_ = columns;
  copy.select_ = std::make_shared<const Select>(query);
  return copy;
}

Insert Insert::returning(std::vector<Expression> columns) const {
  detail::check_own_columns(*table_, columns, "INSERT INTO", "RETURNING");
  Insert copy = *this;
  copy.returning_ = std::move(columns);
  return copy;
}

Insert Insert::on_conflict_do_nothing(std::vector<ColumnRef> target) const {
  detail::check_own_columns(*table_, {target.begin(), target.end()}, "INSERT INTO", "conflict target");
  Insert copy = *this;
  copy.conflict_ = Conflict{std::move(target), {}};
  return copy;
}

Insert Insert::on_conflict_do_update(std::vector<ColumnRef> target, const Assignments& set) const {
  const auto where = "INSERT INTO \"" + table_->name + "\" on_conflict_do_update(): ";
  if (target.empty()) throw ProgrammingError(where + "name the conflict target (the unique columns)");
  if (set.empty()) throw ProgrammingError(where + "give the columns to set");
  detail::check_own_columns(*table_, {target.begin(), target.end()}, "INSERT INTO", "conflict target");
  Insert copy = *this;
  copy.conflict_ = Conflict{std::move(target), detail::checked_assignments(*table_, Assignments{}, set, "INSERT INTO")};
  return copy;
}

void Insert::write_tail(detail::SqlWriter& sql) const {
  if (conflict_) {
    sql.raw(" ON CONFLICT");
    for (std::size_t i = 0; i < conflict_->target.size(); ++i)
      sql.raw(i == 0 ? " (" : ", ").identifier(conflict_->target[i].name());
    if (!conflict_->target.empty()) sql.raw(")");
    if (conflict_->set.empty()) {
      sql.raw(" DO NOTHING");
    } else {
      // The row that clashed and `excluded` are both in scope: its columns are
      // qualified (PostgreSQL calls a bare one ambiguous), and a subquery correlates.
      const bool qualify = sql.qualify();
      sql.set_qualify(true);
      sql.scopes().push_back({detail::table_source(table_, {})});
      sql.raw(" DO UPDATE SET ");
      for (std::size_t i = 0; i < conflict_->set.size(); ++i) {
        if (i > 0) sql.raw(", ");
        sql.identifier(conflict_->set[i].first).raw(" = ").expression(conflict_->set[i].second);
      }
      sql.scopes().pop_back();
      sql.set_qualify(qualify);
    }
  }
  if (returning_) detail::write_returning(sql, *table_, *returning_);
}

CompiledQuery Insert::compile(Dialect dialect) const {
  detail::SqlWriter sql(dialect, false);
  if (select_) {
    sql.raw("INSERT INTO ").identifier(table_->name).raw(" (");
    for (std::size_t i = 0; i < select_columns_.size(); ++i) sql.raw(i == 0 ? "" : ", ").identifier(select_columns_[i]);
    sql.raw(") ");
    // SQLite reads `SELECT ... ON CONFLICT` as a join constraint unless the SELECT has a WHERE.
    if (conflict_ && dialect == Dialect::sqlite)
      sql.raw("SELECT * FROM (").select(*select_, false).raw(") WHERE true");
    else
      sql.select(*select_, false);
  } else if (!rows_.empty()) {
    const auto& merged = rows_;
    if (conflict_ && !conflict_->set.empty()) check_distinct_targets(merged, conflict_->target, table_->name);
    const std::size_t max_params = dialect == Dialect::sqlite ? kSqliteMaxParams : kPostgresMaxParams;
    if (merged.size() * merged.front().size() > max_params)
      throw ProgrammingError("INSERT INTO \"" + table_->name + "\" rows(): " + std::to_string(merged.size()) +
                             " rows of " + std::to_string(merged.front().size()) + " values pass the " +
                             std::to_string(max_params) + " parameters one statement takes; use execute_many()");
    write_head(sql, *table_, merged.front());
    for (std::size_t i = 0; i < merged.size() && !merged.front().empty(); ++i) {
      if (i > 0) sql.raw(", ");
      write_row(sql, merged[i]);
    }
  } else {
    write_head(sql, *table_, values_);
    if (!values_.empty()) write_row(sql, values_);
  }
  write_tail(sql);
  // lastrowid is only sure for one plain row: SQLite's last_insert_rowid is
  // not touched by an upsert's update; PostgreSQL must be asked with RETURNING.
  const auto id = table_->id_column();
  // Only an integer key is a row id on both backends (SQLite has a hidden rowid besides).
  const bool one_row = !select_ && rows_.empty() && !conflict_ && !returning_ && id.has_value();
  const bool returns_id = one_row && dialect == Dialect::postgresql;
  if (returns_id) sql.raw(" RETURNING ").identifier(table_->columns[*id].name());
  auto compiled = std::move(sql).finish(false, returns_id);
  compiled.reports_lastrowid = one_row;
  compiled.returning = returning_.has_value();
  return compiled;
}

CompiledQuery Insert::compile_with(Dialect dialect, const Values& values) const {
  return this->values(values).compile(dialect);
}

std::vector<CompiledQuery> Insert::compile_many(Dialect dialect, const std::vector<Values>& rows) const {
  if (returning_ || select_ || !rows_.empty())
    throw ProgrammingError("execute_many with INSERT INTO \"" + table_->name +
                           "\": returning(), from_select() and rows() make one statement; run it with execute()");
  std::vector<Values> merged;
  merged.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto row = detail::merge_values(*table_, values_, detail::checked_values(*table_, rows[i]));
    merged.push_back(i == 0 ? std::move(row) : in_order_of(merged.front(), row, i, table_->name, "execute_many"));
  }
  std::vector<CompiledQuery> batches;
  if (merged.empty()) return batches;

  const std::size_t columns = merged.front().size();
  const std::size_t max_params = dialect == Dialect::sqlite ? kSqliteMaxParams : kPostgresMaxParams;
  // DEFAULT VALUES has no multi-row form, and PostgreSQL refuses an upsert that
  // updates one row twice in a statement (SQLite would apply both): one statement per row.
  const bool updates = conflict_ && !conflict_->set.empty();
  const std::size_t per_batch = columns == 0 || updates ? 1 : std::min(kMaxRowsPerInsert, max_params / columns);
  for (std::size_t start = 0; start < merged.size(); start += per_batch) {
    const std::size_t end = std::min(merged.size(), start + per_batch);
    detail::SqlWriter sql(dialect, false);
    write_head(sql, *table_, merged[start]);
    for (std::size_t i = start; i < end && columns > 0; ++i) {
      if (i > start) sql.raw(", ");
      write_row(sql, merged[i]);
    }
    write_tail(sql);
    batches.push_back(std::move(sql).finish(false));
  }
  return batches;
}

}  // namespace starling::db

#pragma once
/// @file query.hpp
/// The query builder, after SQLAlchemy Core:
///
///     notes.select().where(notes.c("completed") == false).order_by(notes.c("id").desc()).limit(10)
///     db::select({notes.c("id"), notes.c("text")}).where(notes.c("id") > 3)
///     notes.select().where(...).count()                     // SELECT count(*) ...
///     notes.insert().values({{"text", "buy milk"}, {"completed", false}})
///     notes.update().where(notes.c("id") == 3).values({{"completed", true}})
///     notes.delete_().where(notes.c("id") == 3)
///
/// Builders are immutable: each call returns a new query, so a base query can
/// be reused. `query.compile(db::Dialect::sqlite).sql` shows the SQL.
/// Identifiers are always quoted; values are always bound parameters.

#include <starling/db/expression.hpp>
#include <starling/db/statement.hpp>
#include <starling/db/text.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace starling::db {

class Table;

/// SELECT. Columns come out in the order listed (all of a table's columns,
/// in definition order, for `table.select()`).
class Select final : public Statement {
 public:
  /// SELECT these columns, FROM their tables. An empty list selects every
  /// column of the select_from() table.
  explicit Select(std::vector<ColumnRef> columns) : columns_(std::move(columns)) {}

  /// FROM `table` (first), for when the columns do not name it.
  [[nodiscard]] Select select_from(const Table& table) const;
  /// WHERE `condition`; a second where() is ANDed with the first.
  [[nodiscard]] Select where(const Expression& condition) const;
  /// ORDER BY these terms, after any given before: `order_by(t.c("a"), t.c("b").desc())`.
  [[nodiscard]] Select order_by(const std::vector<OrderBy>& terms) const;
  /// ORDER BY one or more columns or terms.
  template <class... Terms>
  [[nodiscard]] Select order_by(const OrderBy& first, const Terms&... rest) const {
    return order_by(std::vector<OrderBy>{first, OrderBy(rest)...});
  }
  /// LIMIT `count` (a bound parameter). @throws ProgrammingError if negative.
  [[nodiscard]] Select limit(std::int64_t count) const;
  /// OFFSET `count` (a bound parameter). @throws ProgrammingError if negative.
  [[nodiscard]] Select offset(std::int64_t count) const;
  /// `SELECT count(*) FROM ... WHERE ...`: the same rows counted, ignoring
  /// columns, order, limit and offset.
  [[nodiscard]] Select count() const;

  /// @throws ProgrammingError if there is no table to select from, or two
  /// different tables share a name.
  CompiledQuery compile(Dialect dialect) const override;

 private:
  std::vector<ColumnRef> columns_;
  std::shared_ptr<const detail::TableData> from_;
  std::optional<Expression> where_;
  std::vector<OrderBy> order_;
  std::optional<std::int64_t> limit_;
  std::optional<std::int64_t> offset_;
  bool count_ = false;
};

/// `SELECT` these columns: `db::select({notes.c("id"), notes.c("text")})`.
inline Select select(std::vector<ColumnRef> columns) { return Select(std::move(columns)); }

/// INSERT one row (compile) or many (compile_many, for execute_many).
class Insert final : public Statement {
 public:
  /// INSERT INTO `table`; with no values, `DEFAULT VALUES`.
  explicit Insert(const Table& table);

  /// A copy with these column values (merged over earlier ones).
  /// @throws ProgrammingError naming an unknown or repeated column and the table.
  [[nodiscard]] Insert values(const Values& values) const;

  /// On PostgreSQL, ends in `RETURNING "<pk>"` (returns_id) when the table has
  /// a single-column integer primary key; SQLite reports the id as last_insert_rowid.
  CompiledQuery compile(Dialect dialect) const override;
  /// Multi-row `INSERT ... VALUES (...), (...)`: each row's values merged over
  /// values(); at most 1000 rows and the dialect's parameter limit (SQLite
  /// 32766, PostgreSQL 65535) per statement; never RETURNING.
  /// @throws ProgrammingError naming an unknown column, or a row whose columns
  /// differ from the first row's.
  std::vector<CompiledQuery> compile_many(Dialect dialect, const std::vector<Values>& rows) const override;

 protected:
  /// This insert with `values` merged over values(); as compile().
  CompiledQuery compile_with(Dialect dialect, const Values& values) const override;

 private:
  std::shared_ptr<const detail::TableData> table_;
  Values values_;
};

/// UPDATE ... SET ... WHERE ...
class Update final : public Statement {
 public:
  /// UPDATE `table`: every row unless where() narrows it.
  explicit Update(const Table& table);

  /// WHERE `condition`; a second where() is ANDed with the first.
  /// @throws ProgrammingError if the condition uses another table's column.
  [[nodiscard]] Update where(const Expression& condition) const;
  /// SET these columns (merged over earlier ones).
  /// @throws ProgrammingError naming an unknown or repeated column and the table.
  [[nodiscard]] Update values(const Values& values) const;

  /// @throws ProgrammingError if no values were given.
  CompiledQuery compile(Dialect dialect) const override;

 protected:
  /// This update with `values` merged over values() (execute_many: one per row).
  CompiledQuery compile_with(Dialect dialect, const Values& values) const override;

 private:
  std::shared_ptr<const detail::TableData> table_;
  std::optional<Expression> where_;
  Values values_;
};

/// DELETE FROM ... WHERE ...
class Delete final : public Statement {
 public:
  /// DELETE FROM `table`: every row unless where() narrows it.
  explicit Delete(const Table& table);

  /// WHERE `condition`; a second where() is ANDed with the first.
  /// @throws ProgrammingError if the condition uses another table's column.
  [[nodiscard]] Delete where(const Expression& condition) const;

  CompiledQuery compile(Dialect dialect) const override;

 private:
  std::shared_ptr<const detail::TableData> table_;
  std::optional<Expression> where_;
};

}  // namespace starling::db

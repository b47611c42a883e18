#pragma once
/// @file query.hpp
/// The query builder, after SQLAlchemy Core:
///
///     notes.select().where(notes.c("completed") == false).order_by(notes.c("id").desc()).limit(10)
///     db::select({users.c("email"), db::count(notes.c("id")).label("notes")})
///         .select_from(users).outerjoin(notes).group_by(users.c("email"))
///     notes.select().where(...).count()                     // how many rows it returns
///     notes.insert().values({{"text", "buy milk"}}).returning({notes.c("id")})
///     notes.insert().values(row).on_conflict_do_update({notes.c("id")}, {{"text", db::excluded(notes.c("text"))}})
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
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace starling::db {

class Table;

namespace detail {
struct SourceData;
struct SelectWriter;
class SqlWriter;
}  // namespace detail

/// A named subquery, to select from or join like a table:
///
///     auto per_owner = db::select({notes.c("owner"), db::count().label("n")})
///                          .group_by(notes.c("owner")).subquery("per_owner");
///     db::select({users.c("email"), per_owner.c("n")}).select_from(users)
///         .join(per_owner, per_owner.c("owner") == users.c("id"))
class Subquery {
 public:
  /// A column of the subquery's result, by the name it comes out under.
  /// @throws ProgrammingError naming the column and the subquery, and listing its columns.
  Expression c(std::string_view column) const;
  /// The name the subquery goes by.
  const std::string& name() const;
  /// The shared definition (for the compiler).
  const std::shared_ptr<const detail::SourceData>& data() const { return data_; }

 private:
  friend class Select;
  explicit Subquery(std::shared_ptr<const detail::SourceData> data) : data_(std::move(data)) {}
  std::shared_ptr<const detail::SourceData> data_;
};

/// What a query reads from: a table, an alias of one (`notes.alias("n2")`),
/// or a named subquery. Tables and subqueries convert to it.
class Source {
 public:
  Source(const Table& table);
  Source(const Subquery& subquery) : data_(subquery.data()) {}
  /// The shared definition (for the compiler).
  const std::shared_ptr<const detail::SourceData>& data() const { return data_; }

 private:
  std::shared_ptr<const detail::SourceData> data_;
};

/// SELECT. Columns come out in the order listed (all of a table's columns,
/// in definition order, for `table.select()`). Tables the expressions use are
/// added to FROM after select_from() and the joins.
class Select final : public Statement {
 public:
  /// SELECT these expressions. An empty list selects every column of the
  /// first select_from() source.
  explicit Select(std::vector<Expression> columns);

  /// FROM `source` (in order, before the tables the expressions bring).
  [[nodiscard]] Select select_from(const Source& source) const;
  /// `JOIN target ON on`, onto the FROM list's first source.
  [[nodiscard]] Select join(const Source& target, const Expression& on) const;
  /// `JOIN target ON ...` with the condition taken from the one foreign key
  /// between `target` and a table already in the query.
  /// @throws ProgrammingError (at compile) naming both tables when no foreign
  /// key links them, or more than one does.
  [[nodiscard]] Select join(const Source& target) const;
  /// `LEFT OUTER JOIN target ON on`: rows of the left side without a match
  /// come out with NULLs for `target`'s columns.
  [[nodiscard]] Select outerjoin(const Source& target, const Expression& on) const;
  /// `LEFT OUTER JOIN` on the foreign key, as join(target).
  [[nodiscard]] Select outerjoin(const Source& target) const;
  /// WHERE `condition`; a second where() is ANDed with the first.
  [[nodiscard]] Select where(const Expression& condition) const;
  /// GROUP BY these expressions, after any given before.
  [[nodiscard]] Select group_by(const std::vector<Expression>& terms) const;
  /// GROUP BY one or more expressions.
  template <class... Terms>
  [[nodiscard]] Select group_by(const Expression& first, const Terms&... rest) const {
    return group_by(std::vector<Expression>{first, Expression(rest)...});
  }
  /// HAVING `condition` (on the groups); a second having() is ANDed.
  [[nodiscard]] Select having(const Expression& condition) const;
  /// SELECT DISTINCT: each different row once.
  [[nodiscard]] Select distinct() const;
  /// ORDER BY these terms, after any given before: `order_by(t.c("a"), t.c("b").desc())`.
  [[nodiscard]] Select order_by(const std::vector<OrderBy>& terms) const;
  /// ORDER BY one or more expressions or terms.
  template <class... Terms>
  [[nodiscard]] Select order_by(const OrderBy& first, const Terms&... rest) const {
    return order_by(std::vector<OrderBy>{first, OrderBy(rest)...});
  }
  /// LIMIT `count` (a bound parameter). @throws ProgrammingError if negative.
  [[nodiscard]] Select limit(std::int64_t count) const;
  /// OFFSET `count` (a bound parameter). @throws ProgrammingError if negative.
  [[nodiscard]] Select offset(std::int64_t count) const;
  /// `SELECT count(*)` of the rows this query returns: the same FROM and WHERE
  /// with the columns and order dropped, or, when limit, offset, distinct,
  /// group_by or a union shape the result, the query counted as a subquery.
  [[nodiscard]] Select count() const;

  /// `this UNION other`: the rows of both, each different row once. A later
  /// order_by(), limit() or offset() applies to the whole; the two queries
  /// select as many columns and have no order, limit or offset of their own.
  /// @throws ProgrammingError when either has an order, limit or offset.
  [[nodiscard]] Select union_(const Select& other) const;
  /// `this UNION ALL other`: the rows of both, duplicates kept.
  [[nodiscard]] Select union_all(const Select& other) const;

  /// This query as a derived table named `name`, to select from or join.
  /// @throws ProgrammingError for an empty name.
  [[nodiscard]] Subquery subquery(std::string name) const;
  /// This query as a value, `(SELECT ...)`: it selects one column and at most
  /// one row. Tables of the enclosing query are correlated.
  [[nodiscard]] Expression scalar_subquery() const;

  /// The names the result columns come out under: a label, a column's name,
  /// or "" for an unlabelled expression (whose name each database picks).
  std::vector<std::string> column_names() const;

  /// @throws ProgrammingError if there is no table to select from, two
  /// different tables share a name, or a join cannot be inferred.
  CompiledQuery compile(Dialect dialect) const override;

 private:
  friend struct detail::SelectWriter;
  struct Join {
    std::shared_ptr<const detail::SourceData> target;
    std::optional<Expression> on;  // nullopt: from the foreign key
    bool outer = false;
  };
  struct Compound {
    bool all = false;
    std::shared_ptr<const Select> select;
  };

  [[nodiscard]] Select with_join(const Source& target, std::optional<Expression> on, bool outer) const;
  [[nodiscard]] Select with_compound(const Select& other, bool all) const;
  // @throws ProgrammingError when a clause is added after union_(): it would apply to the first query only.
  void refuse_after_union(std::string_view clause) const;

  std::vector<Expression> columns_;
  std::vector<std::shared_ptr<const detail::SourceData>> from_;
  std::vector<Join> joins_;
  std::optional<Expression> where_;
  std::vector<Expression> group_by_;
  std::optional<Expression> having_;
  bool distinct_ = false;
  std::vector<OrderBy> order_;
  std::optional<std::int64_t> limit_;
  std::optional<std::int64_t> offset_;
  std::vector<Compound> compound_;
};

/// `SELECT` these expressions: `db::select({notes.c("id"), notes.c("text")})`.
inline Select select(std::vector<Expression> columns) { return Select(std::move(columns)); }

/// Column assignments whose values may be expressions:
/// `{{"text", db::excluded(notes.c("text"))}, {"views", notes.c("views") + 1}}`.
using Assignments = std::vector<std::pair<std::string, Expression>>;

/// INSERT one row (compile), many in one statement (rows()), the rows of a
/// query (from_select()), or many per statement (compile_many, for execute_many).
class Insert final : public Statement {
 public:
  /// INSERT INTO `table`; with no values, `DEFAULT VALUES`.
  /// @throws ProgrammingError for an alias (insert into the table itself).
  explicit Insert(const Table& table);

  /// A copy with these column values (merged over earlier ones).
  /// @throws ProgrammingError naming an unknown or repeated column and the table.
  [[nodiscard]] Insert values(const Values& values) const;
  /// A multi-row `VALUES (...), (...)`: one statement, every row setting the
  /// same columns (merged over values()).
  /// @throws ProgrammingError naming an unknown column or a row that differs
  /// from the first; for no rows.
  [[nodiscard]] Insert rows(const std::vector<Values>& rows) const;
  /// `INSERT INTO table (columns) SELECT ...`: the query's rows, its columns
  /// in the order of `columns`.
  /// @throws ProgrammingError naming an unknown column, or when the counts differ.
  [[nodiscard]] Insert from_select(const std::vector<std::string>& columns, const Select& query) const;
  /// `RETURNING` these expressions (every column of the table for an empty
  /// list): fetch_all/fetch_one give the rows, execute() their ExecuteResult::rows.
  [[nodiscard]] Insert returning(std::vector<Expression> columns = {}) const;
  /// `ON CONFLICT (target) DO NOTHING`: a row that would break a unique
  /// constraint on `target` (any, when empty) is skipped.
  [[nodiscard]] Insert on_conflict_do_nothing(std::vector<ColumnRef> target = {}) const;
  /// `ON CONFLICT (target) DO UPDATE SET ...`: a row that would break the
  /// unique constraint on `target` updates the row it clashes with instead;
  /// db::excluded(column) is the value the new row proposed.
  /// @throws ProgrammingError for an empty target or set, or an unknown column.
  [[nodiscard]] Insert on_conflict_do_update(std::vector<ColumnRef> target, const Assignments& set) const;

  /// On PostgreSQL, a single-row insert without returning() ends in
  /// `RETURNING "<pk>"` when the table has a single-column integer primary key,
  /// so execute() can report lastrowid as SQLite does.
  CompiledQuery compile(Dialect dialect) const override;
  /// Multi-row `INSERT ... VALUES (...), (...)`: each row's values merged over
  /// values(); at most 1000 rows and the dialect's parameter limit (SQLite
  /// 32766, PostgreSQL 65535) per statement.
  /// @throws ProgrammingError naming an unknown column, or a row whose columns
  /// differ from the first row's; for returning() or from_select().
  std::vector<CompiledQuery> compile_many(Dialect dialect, const std::vector<Values>& rows) const override;

 protected:
  /// This insert with `values` merged over values(); as compile().
  CompiledQuery compile_with(Dialect dialect, const Values& values) const override;

 private:
  struct Conflict {
    std::vector<ColumnRef> target;
    Assignments set;  // empty: DO NOTHING
  };
  void write_tail(detail::SqlWriter& sql) const;

  std::shared_ptr<const detail::TableData> table_;
  Values values_;
  std::vector<Values> rows_;
  std::vector<std::string> select_columns_;
  std::shared_ptr<const Select> select_;
  std::optional<std::vector<Expression>> returning_;
  std::optional<Conflict> conflict_;
};

/// UPDATE ... SET ... WHERE ...
class Update final : public Statement {
 public:
  /// UPDATE `table`: every row unless where() narrows it.
  /// @throws ProgrammingError for an alias.
  explicit Update(const Table& table);

  /// WHERE `condition`; a second where() is ANDed with the first. A subquery
  /// in it may read other tables.
  /// @throws ProgrammingError if the condition uses another table's column.
  [[nodiscard]] Update where(const Expression& condition) const;
  /// SET these columns to bound values (merged over earlier ones).
  /// @throws ProgrammingError naming an unknown or repeated column and the table.
  [[nodiscard]] Update values(const Values& values) const;
  /// SET `column` to an expression: `.set("views", notes.c("views") + 1)`.
  /// @throws ProgrammingError naming an unknown column and the table.
  [[nodiscard]] Update set(std::string column, const Expression& value) const;
  /// `RETURNING` these expressions (every column for an empty list), for the rows updated.
  [[nodiscard]] Update returning(std::vector<Expression> columns = {}) const;

  /// @throws ProgrammingError if no values were given.
  CompiledQuery compile(Dialect dialect) const override;

 protected:
  /// This update with `values` merged over values() (execute_many: one per row).
  CompiledQuery compile_with(Dialect dialect, const Values& values) const override;

 private:
  std::shared_ptr<const detail::TableData> table_;
  std::optional<Expression> where_;
  Assignments values_;
  std::optional<std::vector<Expression>> returning_;
};

/// DELETE FROM ... WHERE ...
class Delete final : public Statement {
 public:
  /// DELETE FROM `table`: every row unless where() narrows it.
  /// @throws ProgrammingError for an alias.
  explicit Delete(const Table& table);

  /// WHERE `condition`; a second where() is ANDed with the first.
  /// @throws ProgrammingError if the condition uses another table's column.
  [[nodiscard]] Delete where(const Expression& condition) const;
  /// `RETURNING` these expressions (every column for an empty list), for the rows deleted.
  [[nodiscard]] Delete returning(std::vector<Expression> columns = {}) const;

  CompiledQuery compile(Dialect dialect) const override;

 private:
  std::shared_ptr<const detail::TableData> table_;
  std::optional<Expression> where_;
  std::optional<std::vector<Expression>> returning_;
};

}  // namespace starling::db

#pragma once
/// @file text.hpp
/// Raw SQL with named parameters, the escape hatch beside the query builder:
///
///     db::text("SELECT * FROM notes WHERE id = :id").bind("id", 3)
///
/// `:name` becomes `?` (SQLite) or `$n` (PostgreSQL); the values are bound,
/// never spliced. A `:` inside '...' literals, "..." identifiers, $$...$$
/// bodies, `--` and `/* */` comments, or a `::type` cast is left alone, and
/// `\:` writes a literal colon (e.g. a PostgreSQL array slice `a[1\:2]`).

#include <starling/db/statement.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace starling::db {

/// A raw SQL statement and its bound parameters. What db::text() returns.
/// (Named TextQuery because `db::Text` is the column type.)
class TextQuery final : public Statement {
 public:
  /// `sql` with `:name` placeholders.
  explicit TextQuery(std::string sql) : sql_(std::move(sql)) {}

  /// A copy with `name` bound to `value` (binding a name again replaces its value).
  [[nodiscard]] TextQuery bind(std::string_view name, Value value) const&;
  /// A copy with each of `values` bound.
  [[nodiscard]] TextQuery bind(const Values& values) const&;
  /// The same on a temporary (`db::text(...).bind(...)`): no copy of the SQL.
  [[nodiscard]] TextQuery bind(std::string_view name, Value value) &&;
  [[nodiscard]] TextQuery bind(const Values& values) &&;

  /// The SQL as written.
  const std::string& sql() const { return sql_; }
  /// The values bound so far.
  const Values& values() const { return values_; }

  /// Placeholders replaced and values in order. read_only when the first
  /// keyword is SELECT or VALUES (not WITH: a CTE can write).
  /// @throws ProgrammingError naming a placeholder with no value, or a bound
  /// name the SQL never uses (a typo).
  CompiledQuery compile(Dialect dialect) const override;
  /// One statement per row, each row's values bound over those bound here;
  /// the SQL is parsed once. @throws ProgrammingError as compile().
  std::vector<CompiledQuery> compile_many(Dialect dialect, const std::vector<Values>& rows) const override;

 protected:
  /// This statement with `values` bound over those bound here.
  CompiledQuery compile_with(Dialect dialect, const Values& values) const override;

 private:
  std::string sql_;
  Values values_;
};

/// `db::text("SELECT * FROM notes WHERE id = :id").bind("id", 3)`.
inline TextQuery text(std::string sql) { return TextQuery(std::move(sql)); }

}  // namespace starling::db

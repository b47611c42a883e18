#pragma once
// The constraint names of a SQLite CREATE TABLE statement. SQLite's PRAGMAs
// list a table's UNIQUE constraints and foreign keys but not their names, which
// only the statement text (sqlite_master.sql) keeps.

#include <string>
#include <string_view>
#include <vector>

namespace starling::db::migrations {

/// A `CONSTRAINT <name> UNIQUE (...)` or `CONSTRAINT <name> FOREIGN KEY (...)`
/// (or the same on a column: `"c" INTEGER CONSTRAINT <name> REFERENCES ...`).
struct NamedConstraint {
  enum class Kind { unique, foreign_key };
  Kind kind;
  std::string name;
  std::vector<std::string> columns;
};

/// The named UNIQUE and FOREIGN KEY constraints of `create_table_sql`, in
/// order; identifiers unquoted. Unnamed constraints are not listed.
std::vector<NamedConstraint> named_constraints(std::string_view create_table_sql);

/// A `CHECK ("c" IN ('a', 'b'))`, on column c or on the table: an enum's choices.
struct EnumCheck {
  std::string column;
  std::vector<std::string> choices;
};

/// The enum CHECKs of `create_table_sql`, in order; other CHECKs are not listed.
std::vector<EnumCheck> enum_checks(std::string_view create_table_sql);

/// Whether two identifiers are the same to SQLite (ASCII case-insensitive).
bool same_identifier(std::string_view a, std::string_view b);

}  // namespace starling::db::migrations

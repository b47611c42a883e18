#pragma once
// The C++ that autogenerate writes: `op.` calls, columns and types spelled as
// a revision file spells them (`db::Column("id", db::Integer, db::primary_key)`).

#include <starling/db/reflection.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace starling::db::migrations {

/// `text` as a C++ string literal, escaped: `"say \"hi\"\n"`.
std::string cpp_string(std::string_view text);
/// `{"a", "b"}`.
std::string cpp_string_list(const std::vector<std::string>& items);
/// `db::String(200)`, `db::Integer`, ...
std::string render_type(const Type& type);

/// The column's DEFAULT as an option (`db::default_("x")`, `db::default_sql("...")`,
/// `db::server_default_now`), "" without one.
std::string render_default_option(const ColumnSchema& column);
/// The column's DEFAULT as ColumnChanges fields (`.server_default = "x"`,
/// `.server_default_sql = "..."`, `.drop_server_default = true`).
std::string render_default_change(const ColumnSchema& column);

/// `db::Column("name", TYPE, options...)` with the column's own options only
/// (type, NOT NULL, DEFAULT; key options when `primary_key`): what add_column takes.
std::string render_column(const ColumnSchema& column, bool primary_key = false, bool autoincrement_off = false);

/// `op.create_table(...)` for the whole table, what the Column options cannot
/// say (multi-column or named indexes and constraints) as further `op.` lines.
std::string render_create_table(const TableSchema& table);

/// The name PostgreSQL would give an unnamed UNIQUE constraint: `<table>_<columns>_key`.
std::string unique_constraint_name(const std::string& table, const std::vector<std::string>& columns);
/// The name PostgreSQL would give an unnamed foreign key: `<table>_<columns>_fkey`.
std::string foreign_key_name(const std::string& table, const std::vector<std::string>& columns);

/// `op.create_index("name", "table", {"a"}[, true]);`
std::string create_index_code(const std::string& table, const IndexSchema& index);
/// `op.drop_index("name", "table");`
std::string drop_index_code(const std::string& table, const IndexSchema& index);
/// `op.create_unique_constraint(...)`, named as in the schema or unique_constraint_name.
std::string create_unique_code(const std::string& table, const UniqueSchema& unique);
/// `op.create_foreign_key(...)`, named as in the schema or foreign_key_name.
std::string create_foreign_key_code(const std::string& table, const ForeignKeySchema& key);
/// `op.drop_constraint("name", "table");`, or for a constraint SQLite keeps no
/// name for, a comment saying why it cannot be dropped by name.
std::string drop_constraint_code(const std::string& table, const std::string& name, std::string_view what);

/// `text` safe inside a `//` comment: no line breaks, no backslash (a
/// backslash at a line's end would continue the comment onto the next line).
std::string comment_safe(std::string_view text);

/// `"t"` as descriptions quote names.
std::string quoted(std::string_view name);
/// `("a", "b")`.
std::string quoted_list(const std::vector<std::string>& names);

}  // namespace starling::db::migrations

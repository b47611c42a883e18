#include "migrations/compare_table.hpp"

#include "migrations/compare_rules.hpp"
#include "migrations/render_code.hpp"

#include <algorithm>

namespace starling::db::migrations {
namespace {

std::vector<std::string> sorted(std::vector<std::string> columns) {
  std::sort(columns.begin(), columns.end());
  return columns;
}

bool same_key(const ForeignKeySchema& a, const ForeignKeySchema& b) {
  return a.columns == b.columns && a.referred_table == b.referred_table && a.referred_columns == b.referred_columns &&
         a.on_delete == b.on_delete && a.on_update == b.on_update;
}

bool has_unique(const TableSchema& table, const std::vector<std::string>& columns) {
  return std::any_of(table.unique_constraints.begin(), table.unique_constraints.end(),
                     [&](const UniqueSchema& unique) { return sorted(unique.columns) == sorted(columns); });
}

bool has_index(const TableSchema& table, const IndexSchema& index) {
  return std::any_of(table.indexes.begin(), table.indexes.end(), [&](const IndexSchema& other) {
    return other.name == index.name && other.columns == index.columns && other.unique == index.unique;
  });
}

bool has_key(const TableSchema& table, const ForeignKeySchema& key) {
  return std::any_of(table.foreign_keys.begin(), table.foreign_keys.end(),
                     [&](const ForeignKeySchema& other) { return same_key(other, key); });
}

// On SQLite, op.create_unique_constraint makes a unique index: one that
// stands where the MetaData declares a UNIQUE constraint is that constraint.
void merge_unique_indexes(TableSchema& live, const TableSchema& declared) {
  for (const auto& unique : declared.unique_constraints) {
    if (has_unique(live, unique.columns)) continue;
    const auto index = std::find_if(live.indexes.begin(), live.indexes.end(), [&](const IndexSchema& candidate) {
      const bool declared_index = std::any_of(declared.indexes.begin(), declared.indexes.end(),
                                              [&](const IndexSchema& d) { return d.name == candidate.name; });
      return candidate.unique && !declared_index && sorted(candidate.columns) == sorted(unique.columns);
    });
    if (index == live.indexes.end()) continue;
    live.unique_constraints.push_back({index->name, index->columns});
    live.indexes.erase(index);
  }
}

std::string describe_key(const std::string& table, const ForeignKeySchema& key) {
  return "foreign key on " + quoted(table) + " " + quoted_list(key.columns) + " -> " + quoted(key.referred_table) +
         " " + quoted_list(key.referred_columns) + (key.on_delete.empty() ? "" : " ON DELETE " + key.on_delete) +
         (key.on_update.empty() ? "" : " ON UPDATE " + key.on_update);
}

std::string describe_index(const std::string& table, const IndexSchema& index) {
  return std::string(index.unique ? "unique index " : "index ") + quoted(index.name) + " on " + quoted(table) + " " +
         quoted_list(index.columns);
}

std::string column_ref(const std::string& table, const std::string& column) {
  return quoted(table) + "." + quoted(column);
}

std::string alter(const std::string& table, const std::string& column, const std::string& changes) {
  return "op.alter_column(" + cpp_string(table) + ", " + cpp_string(column) + ", {" + changes + "});";
}

std::string default_text(const ColumnSchema& column) {
  return column.default_sql && !same_default(column.default_sql, {}) ? *column.default_sql : "none";
}

// A removed foreign key or unique constraint SQLite keeps no name for goes
// with its column when that column is dropped: only that needs saying.
std::string drop_unnamed_with_column(const TableSchema& declared, const std::string& name,
                                     const std::vector<std::string>& columns, std::string_view what) {
  if (name.empty()) {
    for (const auto& column : columns)
      if (declared.column(column) == nullptr)
        return "// the " + comment_safe(what) + " goes with column \"" + comment_safe(column) + "\", dropped below";
  }
  return drop_constraint_code(declared.name, name, what);
}

void removals(const TableSchema& live, const TableSchema& declared, std::vector<SchemaDifference>& out) {
  const auto& t = declared.name;
  for (const auto& key : live.foreign_keys) {
    if (has_key(declared, key)) continue;
    const auto what = describe_key(t, key);
    out.push_back({"remove " + what, drop_unnamed_with_column(declared, key.name, key.columns, what),
                   create_foreign_key_code(t, key)});
  }
  for (const auto& index : live.indexes) {
    if (has_index(declared, index)) continue;
    out.push_back({"remove " + describe_index(t, index), drop_index_code(t, index), create_index_code(t, index)});
  }
  for (const auto& unique : live.unique_constraints) {
    if (has_unique(declared, unique.columns)) continue;
    const auto what = "unique constraint " + quoted_list(unique.columns);
    out.push_back({"remove " + what + " on " + quoted(t),
                   drop_unnamed_with_column(declared, unique.name, unique.columns, what),
                   create_unique_code(t, unique)});
  }
}

void column_changes(const TableSchema& live, const TableSchema& declared, std::vector<SchemaDifference>& out) {
  const auto& t = declared.name;
  std::vector<std::string> added;
  for (const auto& column : declared.columns)
    if (live.column(column.name) == nullptr) added.push_back(column.name);
  std::size_t pairing = 0;
  for (const auto& column : live.columns) {
    if (declared.column(column.name) != nullptr) continue;
    std::string code;
    if (!added.empty()) {
      // Never guessed: only a person knows whether the data should move over.
      const auto& other = added[std::min(pairing++, added.size() - 1)];
      code = comment_safe("// \"" + column.name + "\" removed and \"" + other +
                          "\" added: if this is a rename, use op.alter_column(" + cpp_string(t) + ", " +
                          cpp_string(column.name) + ", {.new_name = " + cpp_string(other) +
                          "}) instead, which keeps the data") +
             "\n";
    }
    code += "op.drop_column(" + cpp_string(t) + ", " + cpp_string(column.name) + ");";
    auto restore = "op.add_column(" + cpp_string(t) + ", " + render_column(column) + ");";
    out.push_back({"remove column " + column_ref(t, column.name), code, restore});
  }
  for (const auto& name : added) {
    const auto& column = *declared.column(name);
    std::string code;
    if (!column.nullable && !column.default_sql)
      code = "// NOT NULL without a DEFAULT: existing rows need one (db::default_), or the table must be empty\n";
    code += "op.add_column(" + cpp_string(t) + ", " + render_column(column) + ");";
    out.push_back({"add column " + column_ref(t, name), code,
                   "op.drop_column(" + cpp_string(t) + ", " + cpp_string(name) + ");"});
  }
}

void alterations(const TableSchema& live, const TableSchema& declared, Dialect dialect,
                 std::vector<SchemaDifference>& out) {
  const auto& t = declared.name;
  for (const auto& column : declared.columns) {
    const auto* before = live.column(column.name);
    if (before == nullptr) continue;
    const auto where = column_ref(t, column.name);
    if (!same_type(*before, column, dialect)) {
      out.push_back({"change type of " + where + ": " + before->sql_type + " -> " + column.sql_type,
                     alter(t, column.name, ".type = " + render_type(column.type)),
                     alter(t, column.name, ".type = " + render_type(before->type))});
    }
    // The database assigns an autoincrement key: never NULL, no DEFAULT to compare.
    if (column.autoincrement || before->autoincrement) continue;
    if (before->nullable != column.nullable) {
      const auto text = [](bool nullable) { return nullable ? "NULL" : "NOT NULL"; };
      const auto set = [](bool nullable) { return std::string(".nullable = ") + (nullable ? "true" : "false"); };
      out.push_back({"change nullable of " + where + ": " + text(before->nullable) + " -> " + text(column.nullable),
                     alter(t, column.name, set(column.nullable)), alter(t, column.name, set(before->nullable))});
    }
    if (!same_default(before->default_sql, column.default_sql)) {
      out.push_back({"change server default of " + where + ": " + default_text(*before) + " -> " + default_text(column),
                     alter(t, column.name, render_default_change(column)),
                     alter(t, column.name, render_default_change(*before))});
    }
  }
}

void additions(const TableSchema& live, const TableSchema& declared, std::vector<SchemaDifference>& out) {
  const auto& t = declared.name;
  for (const auto& unique : declared.unique_constraints) {
    if (has_unique(live, unique.columns)) continue;
    const auto name = unique.name.empty() ? unique_constraint_name(t, unique.columns) : unique.name;
    out.push_back({"add unique constraint " + quoted_list(unique.columns) + " on " + quoted(t),
                   create_unique_code(t, {name, unique.columns}), drop_constraint_code(t, name, "unique constraint")});
  }
  for (const auto& index : declared.indexes) {
    if (has_index(live, index)) continue;
    out.push_back({"add " + describe_index(t, index), create_index_code(t, index), drop_index_code(t, index)});
  }
  for (const auto& key : declared.foreign_keys) {
    if (has_key(live, key)) continue;
    const auto name = key.name.empty() ? foreign_key_name(t, key.columns) : key.name;
    auto named = key;
    named.name = name;
    out.push_back({"add " + describe_key(t, key), create_foreign_key_code(t, named),
                   drop_constraint_code(t, name, "foreign key")});
  }
}

}  // namespace

void compare_table(const TableSchema& live_table, const TableSchema& declared, Dialect dialect,
                   std::vector<SchemaDifference>& out) {
  auto live = live_table;
  if (dialect == Dialect::sqlite) merge_unique_indexes(live, declared);
  if (live.primary_key != declared.primary_key) {
    // Starling does not alter primary keys: a person decides how (a new table, copied).
    const auto text = "primary key of " + quoted(declared.name) + " differs: " + quoted_list(live.primary_key) +
                      " in the database, " + quoted_list(declared.primary_key) + " declared";
    out.push_back({text + " (not altered: Starling does not alter primary keys)",
                   "// " + comment_safe(text) + ": Starling does not alter primary keys", ""});
  }
  removals(live, declared, out);
  column_changes(live, declared, out);
  alterations(live, declared, dialect, out);
  additions(live, declared, out);
}

}  // namespace starling::db::migrations

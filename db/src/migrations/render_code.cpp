#include "migrations/render_code.hpp"

#include "migrations/compare_rules.hpp"

#include <algorithm>
#include <cstdio>

namespace starling::db::migrations {
namespace {

bool is_integer(const Type& type) { return type.kind == TypeKind::integer || type.kind == TypeKind::big_integer; }

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : std::string(separator)) + item;
  return out;
}

// Whether `sql` is one SQL string literal; `content` gets its text, '' undoubled.
bool is_string_literal(const std::string& sql, std::string& content) {
  if (sql.size() < 2 || sql.front() != '\'' || sql.back() != '\'') return false;
  content.clear();
  for (std::size_t i = 1; i + 1 < sql.size(); ++i) {
    if (sql[i] == '\'') {
      if (sql[i + 1] != '\'' || i + 2 >= sql.size()) return false;  // a quote that ends the literal early
      ++i;
    }
    content += sql[i];
  }
  return true;
}

bool is_plain_number(const std::string& text, bool& fraction) {
  fraction = false;
  std::size_t i = text.starts_with('-') ? 1 : 0;
  if (i >= text.size()) return false;
  bool digits = false;
  for (; i < text.size(); ++i) {
    if (text[i] >= '0' && text[i] <= '9') {
      digits = true;
    } else if (text[i] == '.' && !fraction) {
      fraction = true;
    } else {
      return false;
    }
  }
  return digits;
}

// The DEFAULT as a C++ expression a db::Value takes, when it is a plain constant.
std::optional<std::string> literal_code(const std::string& sql, const ColumnSchema& column) {
  const auto text = normalize_default(sql);
  std::string content;
  if (is_string_literal(text, content)) return cpp_string(content);
  bool fraction = false;
  if (!is_plain_number(text, fraction)) return std::nullopt;
  if (column.type.kind == TypeKind::boolean && (text == "0" || text == "1")) return text == "1" ? "true" : "false";
  if (fraction) return column.type.kind == TypeKind::float_ ? std::optional(text) : std::nullopt;
  if (text.size() > 18) return std::nullopt;  // past what an int64 literal surely holds
  return text;
}

bool has_default(const ColumnSchema& column) { return column.default_sql && !same_default(column.default_sql, {}); }

bool is_now(const ColumnSchema& column) { return normalize_default(*column.default_sql) == "CURRENT_TIMESTAMP"; }

// What of a new table's definition its Column options can say: the rest
// becomes `op.` lines after create_table.
struct InlineOptions {
  std::vector<std::string> options;  // per column
  std::vector<std::string> after;
};

InlineOptions inline_options(const TableSchema& table) {
  InlineOptions plan;
  plan.options.resize(table.columns.size());
  std::vector<bool> index_used(table.indexes.size()), unique_used(table.unique_constraints.size()),
      key_used(table.foreign_keys.size());
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const auto& name = table.columns[c].name;
    const std::vector<std::string> only{name};
    auto& options = plan.options[c];
    bool indexed = false;
    for (std::size_t i = 0; i < table.indexes.size() && !indexed; ++i) {
      const auto& index = table.indexes[i];
      if (index.name != "ix_" + table.name + "_" + name || index.columns != only) continue;
      options += index.unique ? ", db::unique, db::index" : ", db::index";
      index_used[i] = indexed = true;
    }
    // db::unique with db::index means a unique index, so a constraint beside an index is written apart.
    for (std::size_t i = 0; i < table.unique_constraints.size() && !indexed; ++i) {
      const auto& unique = table.unique_constraints[i];
      const bool default_name = unique.name.empty() || unique.name == unique_constraint_name(table.name, only);
      if (unique.columns != only || !default_name || table.primary_key == only) continue;
      options += ", db::unique";
      unique_used[i] = indexed = true;
    }
    for (std::size_t i = 0; i < table.foreign_keys.size(); ++i) {
      const auto& key = table.foreign_keys[i];
      const bool default_name = key.name.empty() || key.name == foreign_key_name(table.name, only);
      if (key.columns != only || key.referred_columns.size() != 1 || !default_name) continue;
      options += ", db::foreign_key(" + cpp_string(key.referred_table + "." + key.referred_columns.front()) + ")";
      if (!key.on_delete.empty()) options += ".on_delete(" + cpp_string(key.on_delete) + ")";
      if (!key.on_update.empty()) options += ".on_update(" + cpp_string(key.on_update) + ")";
      key_used[i] = true;
      break;
    }
  }
  for (std::size_t i = 0; i < table.indexes.size(); ++i)
    if (!index_used[i]) plan.after.push_back(create_index_code(table.name, table.indexes[i]));
  for (std::size_t i = 0; i < table.unique_constraints.size(); ++i)
    if (!unique_used[i]) plan.after.push_back(create_unique_code(table.name, table.unique_constraints[i]));
  for (std::size_t i = 0; i < table.foreign_keys.size(); ++i)
    if (!key_used[i]) plan.after.push_back(create_foreign_key_code(table.name, table.foreign_keys[i]));
  return plan;
}

}  // namespace

std::string render_create_table(const TableSchema& table) {
  const auto plan = inline_options(table);
  std::string code = "op.create_table(" + cpp_string(table.name) + ", {\n";
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const auto& column = table.columns[c];
    const bool key =
        std::find(table.primary_key.begin(), table.primary_key.end(), column.name) != table.primary_key.end();
    // A Column infers autoincrement for a table's only integer key column.
    const bool off = key && table.primary_key.size() == 1 && is_integer(column.type) && !column.autoincrement;
    auto rendered = render_column(column, key, off);
    rendered.insert(rendered.size() - 1, plan.options[c]);
    code += "    " + rendered + ",\n";
  }
  code += "});";
  for (const auto& line : plan.after) code += "\n" + line;
  return code;
}

std::string cpp_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char octal[8];  // octal escapes stop after three digits, unlike \x
          std::snprintf(octal, sizeof octal, "\\%03o", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += octal;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string cpp_string_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + cpp_string(item);
  return "{" + out + "}";
}

std::string render_type(const Type& type) {
  switch (type.kind) {
    case TypeKind::integer: return "db::Integer";
    case TypeKind::big_integer: return "db::BigInteger";
    case TypeKind::string: return type.length > 0 ? "db::String(" + std::to_string(type.length) + ")" : "db::String";
    case TypeKind::text: return "db::Text";
    case TypeKind::boolean: return "db::Boolean";
    case TypeKind::float_: return "db::Float";
    case TypeKind::numeric:
      if (type.precision == 0) return "db::Numeric";
      return "db::Numeric(" + std::to_string(type.precision) + ", " + std::to_string(type.scale) + ")";
    case TypeKind::date_time: return "db::DateTime";
    case TypeKind::date: return "db::Date";
    case TypeKind::json: return "db::JSON";
    case TypeKind::large_binary: return "db::LargeBinary";
    case TypeKind::date_time_tz: return "db::DateTime(db::with_timezone)";
    case TypeKind::uuid: return "db::Uuid";
    case TypeKind::enum_: return "db::Enum(" + cpp_string_list(type.choices) + ")";
  }
  return "db::Text";
}

std::string render_default_option(const ColumnSchema& column) {
  if (!has_default(column)) return "";
  if (is_now(column)) return "db::server_default_now";
  if (const auto literal = literal_code(*column.default_sql, column)) return "db::default_(" + *literal + ")";
  return "db::default_sql(" + cpp_string(strip_outer_parentheses(*column.default_sql)) + ")";
}

std::string render_default_change(const ColumnSchema& column) {
  if (!has_default(column)) return ".drop_server_default = true";
  if (is_now(column)) return ".server_default_sql = \"CURRENT_TIMESTAMP\"";
  if (const auto literal = literal_code(*column.default_sql, column)) return ".server_default = " + *literal;
  return ".server_default_sql = " + cpp_string(strip_outer_parentheses(*column.default_sql));
}

std::string render_column(const ColumnSchema& column, bool primary_key, bool autoincrement_off) {
  std::string code = "db::Column(" + cpp_string(column.name) + ", " + render_type(column.type);
  if (primary_key) code += ", db::primary_key";
  if (autoincrement_off) code += ", db::autoincrement(false)";
  if (!column.nullable && !primary_key) code += ", db::not_null";
  if (!column.autoincrement) {
    if (const auto option = render_default_option(column); !option.empty()) code += ", " + option;
  }
  return code + ")";
}

std::string unique_constraint_name(const std::string& table, const std::vector<std::string>& columns) {
  return table + "_" + join(columns, "_") + "_key";
}

std::string foreign_key_name(const std::string& table, const std::vector<std::string>& columns) {
  return table + "_" + join(columns, "_") + "_fkey";
}

std::string create_index_code(const std::string& table, const IndexSchema& index) {
  return "op.create_index(" + cpp_string(index.name) + ", " + cpp_string(table) + ", " +
         cpp_string_list(index.columns) + (index.unique ? ", true" : "") + ");";
}

std::string drop_index_code(const std::string& table, const IndexSchema& index) {
  return "op.drop_index(" + cpp_string(index.name) + ", " + cpp_string(table) + ");";
}

std::string create_unique_code(const std::string& table, const UniqueSchema& unique) {
  const auto name = unique.name.empty() ? unique_constraint_name(table, unique.columns) : unique.name;
  return "op.create_unique_constraint(" + cpp_string(name) + ", " + cpp_string(table) + ", " +
         cpp_string_list(unique.columns) + ");";
}

std::string create_foreign_key_code(const std::string& table, const ForeignKeySchema& key) {
  const auto name = key.name.empty() ? foreign_key_name(table, key.columns) : key.name;
  std::string actions;
  if (!key.on_delete.empty()) actions += ".on_delete = " + cpp_string(key.on_delete);
  if (!key.on_update.empty()) actions += (actions.empty() ? "" : ", ") + (".on_update = " + cpp_string(key.on_update));
  return "op.create_foreign_key(" + cpp_string(name) + ", " + cpp_string(table) + ", " + cpp_string_list(key.columns) +
         ", " + cpp_string(key.referred_table) + ", " + cpp_string_list(key.referred_columns) +
         (actions.empty() ? "" : ", {" + actions + "}") + ");";
}

std::string drop_constraint_code(const std::string& table, const std::string& name, std::string_view what) {
  if (name.empty())
    return "// the " + comment_safe(what) + " on \"" + comment_safe(table) +
           "\" has no name (SQLite keeps none for an inline constraint), so op.drop_constraint cannot drop it:\n"
           "// rebuild the table without it (op.create_table under a new name, copy, op.drop_table, op.rename_table)";
  return "op.drop_constraint(" + cpp_string(name) + ", " + cpp_string(table) + ");";
}

std::string comment_safe(std::string_view text) {
  std::string out;
  for (const char c : text) out += c == '\\' ? '/' : (c == '\n' || c == '\r') ? ' ' : c;
  return out;
}

std::string quoted(std::string_view name) { return "\"" + std::string(name) + "\""; }

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + quoted(name);
  return "(" + out + ")";
}

}  // namespace starling::db::migrations

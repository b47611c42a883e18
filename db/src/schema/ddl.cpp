#include <starling/db/ddl.hpp>

#include "schema/table_data.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <variant>

namespace starling::db {

namespace {

bool is_integer(const Type& type) { return type.kind == TypeKind::integer || type.kind == TypeKind::big_integer; }

std::string hex(const Blob& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const auto byte : bytes) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0x0f];
  }
  return out;
}

// "(a) + (b)" starts and ends with parentheses that are not one pair.
bool balanced_outer(std::string_view text) {
  int depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    depth += text[i] == '(' ? 1 : text[i] == ')' ? -1 : 0;
    if (depth == 0 && i + 1 < text.size()) return false;
  }
  return depth == 0;
}

std::string quote_string(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  return quoted + "'";
}

std::string number(double value) {
  if (!std::isfinite(value)) throw ProgrammingError("a DEFAULT cannot be NaN or infinite");
  char buffer[64];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;  // shortest exact form
  return std::string(buffer, end);
}

// The column's type, or the autoincrement form that replaces it.
std::string column_type(const Column& column, Dialect dialect, bool inline_key) {
  if (dialect == Dialect::sqlite && inline_key && is_integer(column.type()))
    return "INTEGER";  // only the exact name INTEGER makes the key the rowid
  if (dialect == Dialect::postgresql && column.autoincrement())
    return column.type().kind == TypeKind::big_integer ? "BIGSERIAL" : "SERIAL";
  return sql_type(column.type(), dialect);
}

std::string references(const ForeignKey& key) {
  std::string sql = " REFERENCES " + quote_identifier(key.table()) + " (" + quote_identifier(key.column()) + ")";
  if (!key.on_delete().empty()) sql += " ON DELETE " + key.on_delete();
  if (!key.on_update().empty()) sql += " ON UPDATE " + key.on_update();
  return sql;
}

// `inline_key`: the column is the table's only primary key column, so PRIMARY KEY goes on it.
std::string definition(const Column& column, Dialect dialect, bool inline_key) {
  const auto name = quote_identifier(column.name());
  std::string sql = name + " " + column_type(column, dialect, inline_key);
  if (inline_key) {
    sql += " PRIMARY KEY";
    if (dialect == Dialect::sqlite && column.autoincrement()) sql += " AUTOINCREMENT";
  }
  // Said even for primary keys: SQLite lets a non-INTEGER primary key hold NULL (a legacy quirk).
  if (!column.nullable() && !column.autoincrement()) sql += " NOT NULL";
  if (column.unique() && !column.index() && !inline_key) sql += " UNIQUE";
  if (column.default_value()) sql += " DEFAULT " + sql_literal(*column.default_value(), dialect);
  if (column.default_sql()) sql += " DEFAULT " + default_expression(*column.default_sql());
  sql += type_check(column.name(), column.type(), dialect);
  if (column.foreign_key()) sql += references(*column.foreign_key());
  return sql;
}

// A foreign key into this metadata must name a table and column that exist:
// a typo would otherwise surface as a database error at the first insert.
void check_references(const MetaData& metadata) {
  for (const auto& table : metadata.tables()) {
    for (const auto& column : table.columns()) {
      const auto& key = column.foreign_key();
      if (!key) continue;
      const auto where = "column \"" + table.name() + "\".\"" + column.name() + "\" references \"" + key->table() +
                         "\".\"" + key->column() + "\", but ";
      if (!metadata.contains(key->table())) throw ProgrammingError(where + "the metadata has no such table");
      if (!metadata.table(key->table()).has_column(key->column()))
        throw ProgrammingError(where + "there is no such column");
    }
  }
}

}  // namespace

std::string quote_identifier(std::string_view name) {
  std::string quoted = "\"";
  for (const char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string default_expression(std::string_view expression) {
  // SQLite takes a function call or an operator as a DEFAULT only in
  // parentheses; literals, its CURRENT_* keywords and a parenthesised
  // expression stand alone (and read back from the schema as written).
  static constexpr std::array<std::string_view, 6> kKeywords = {
      "CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", "NULL", "TRUE", "FALSE"};
  const auto is_number = [](std::string_view text) {
    if (text.starts_with('-')) text.remove_prefix(1);
    return !text.empty() && text.find_first_not_of("0123456789.") == std::string_view::npos &&
           std::isdigit(static_cast<unsigned char>(text.front()));
  };
  const auto quoted = [](std::string_view text) {
    if (text.size() < 2 || !text.starts_with('\'') || !text.ends_with('\'')) return false;
    const auto inner = text.substr(1, text.size() - 2);
    for (std::size_t i = 0; i < inner.size(); ++i)  // every inner quote doubled: one literal, not two
      if (inner[i] == '\'' && (i + 1 == inner.size() || inner[++i] != '\'')) return false;
    return true;
  };
  const auto keyword = std::find(kKeywords.begin(), kKeywords.end(), expression) != kKeywords.end();
  const bool bare = keyword || is_number(expression) || quoted(expression) ||
                    (expression.starts_with('(') && expression.ends_with(')') && balanced_outer(expression));
  return bare ? std::string(expression) : "(" + std::string(expression) + ")";
}

std::string sql_literal(const Value& value, Dialect dialect) {
  const bool sqlite = dialect == Dialect::sqlite;
  switch (value.type()) {
    case ValueType::null: return "NULL";
    case ValueType::boolean: return value.as<bool>() ? (sqlite ? "1" : "TRUE") : (sqlite ? "0" : "FALSE");
    case ValueType::integer: return std::to_string(value.as<std::int64_t>());
    case ValueType::real: return number(value.as<double>());
    case ValueType::text:
    case ValueType::json:
    case ValueType::decimal: return quote_string(value.as<std::string>());  // both take '12.50' for a number
    case ValueType::blob: {
      const auto digits = hex(value.as<Blob>());
      return sqlite ? "X'" + digits + "'" : "'\\x" + digits + "'";
    }
  }
  throw ProgrammingError("a DEFAULT of this type cannot be written as SQL");
}

std::string sql_type(const Type& type, Dialect dialect) {
  const bool sqlite = dialect == Dialect::sqlite;
  switch (type.kind) {
    case TypeKind::integer: return "INTEGER";
    case TypeKind::big_integer: return "BIGINT";
    case TypeKind::string: return type.length > 0 ? "VARCHAR(" + std::to_string(type.length) + ")" : "VARCHAR";
    case TypeKind::text: return "TEXT";
    case TypeKind::boolean: return "BOOLEAN";
    case TypeKind::float_: return sqlite ? "REAL" : "DOUBLE PRECISION";
    case TypeKind::numeric:
      if (type.precision == 0) return "NUMERIC";
      return "NUMERIC(" + std::to_string(type.precision) + ", " + std::to_string(type.scale) + ")";
    case TypeKind::date_time: return sqlite ? "DATETIME" : "TIMESTAMP";
    case TypeKind::date: return "DATE";
    case TypeKind::json: return sqlite ? "JSON" : "JSONB";
    case TypeKind::large_binary: return sqlite ? "BLOB" : "BYTEA";
    case TypeKind::date_time_tz: return sqlite ? "TIMESTAMPTZ" : "TIMESTAMP WITH TIME ZONE";
    case TypeKind::uuid: return "UUID";
    case TypeKind::enum_: return type.length > 0 ? "VARCHAR(" + std::to_string(type.length) + ")" : "VARCHAR";
  }
  return "?";
}

std::string type_check(std::string_view column, const Type& type, Dialect dialect) {
  if (type.kind == TypeKind::boolean && dialect == Dialect::sqlite)
    return " CHECK (" + quote_identifier(column) + " IN (0, 1))";
  if (type.kind != TypeKind::enum_) return "";
  std::string choices;
  for (const auto& choice : type.choices) choices += (choices.empty() ? "" : ", ") + quote_string(choice);
  return " CHECK (" + quote_identifier(column) + " IN (" + choices + "))";
}

std::string column_definition(const Column& column, Dialect dialect) {
  return definition(column, dialect, column.primary_key());
}

std::string create_table_statement(const Table& table, Dialect dialect) {
  const auto& key = table.data()->primary_key;
  std::string sql = "CREATE TABLE IF NOT EXISTS " + quote_identifier(table.name()) + " (";
  for (std::size_t i = 0; i < table.columns().size(); ++i) {
    const auto& column = table.columns()[i];
    sql += (i == 0 ? "" : ", ") + definition(column, dialect, column.primary_key() && key.size() == 1);
  }
  if (key.size() > 1) {
    sql += ", PRIMARY KEY (";
    for (std::size_t i = 0; i < key.size(); ++i)
      sql += (i == 0 ? "" : ", ") + quote_identifier(table.columns()[key[i]].name());
    sql += ")";
  }
  return sql + ")";
}

std::vector<std::string> create_index_statements(const Table& table, Dialect) {
  std::vector<std::string> statements;
  for (const auto& column : table.columns()) {
    if (!column.index()) continue;
    statements.push_back(std::string("CREATE ") + (column.unique() ? "UNIQUE " : "") + "INDEX IF NOT EXISTS " +
                         quote_identifier("ix_" + table.name() + "_" + column.name()) + " ON " +
                         quote_identifier(table.name()) + " (" + quote_identifier(column.name()) + ")");
  }
  return statements;
}

std::vector<std::string> create_statements(const MetaData& metadata, Dialect dialect) {
  check_references(metadata);
  std::vector<std::string> statements;
  for (const auto& table : metadata.sorted_tables()) {
    statements.push_back(create_table_statement(table, dialect));
    for (auto& index : create_index_statements(table, dialect)) statements.push_back(std::move(index));
  }
  return statements;
}

std::vector<std::string> drop_statements(const MetaData& metadata, Dialect) {
  std::vector<std::string> statements;
  const auto sorted = metadata.sorted_tables();
  for (auto table = sorted.rbegin(); table != sorted.rend(); ++table)
    statements.push_back("DROP TABLE IF EXISTS " + quote_identifier(table->name()));
  return statements;
}

}  // namespace starling::db

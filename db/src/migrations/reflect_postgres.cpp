// PostgreSQL reflection of the current schema (the first of search_path, where
// unqualified names go), from pg_catalog (whose
// answers, unlike information_schema's, include index and constraint details).
#include "migrations/reflect_connection.hpp"

#include <starling/db/ddl.hpp>

#include <map>
#include <utility>

namespace starling::db::migrations {
namespace {

std::string text_of(const Value& value) { return value.as<std::optional<std::string>>().value_or(""); }

std::string action(const std::string& code) {
  if (code == "c") return "CASCADE";
  if (code == "n") return "SET NULL";
  if (code == "d") return "SET DEFAULT";
  if (code == "r") return "RESTRICT";
  return "";  // 'a': NO ACTION
}

constexpr const char* kColumns = R"(
SELECT a.attname::text, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text
FROM pg_catalog.pg_attribute a
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum)";

// Indexes the table's own constraints made (primary key, UNIQUE) are those
// constraints, not indexes of their own.
constexpr const char* kIndexes = R"(
SELECT i.relname::text, x.indisunique, k.ord, a.attname::text, x.indpred IS NOT NULL
FROM pg_catalog.pg_index x
JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
WHERE x.indrelid = $1::oid AND NOT x.indisprimary AND k.ord <= x.indnkeyatts
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c
                  WHERE c.conrelid = x.indrelid AND c.conindid = x.indexrelid AND c.contype IN ('p', 'u', 'x'))
ORDER BY i.relname, k.ord)";

constexpr const char* kConstraints = R"(
SELECT c.conname::text, c.contype::text, a.attname::text, r.relname::text, ra.attname::text,
       c.confdeltype::text, c.confupdtype::text
FROM pg_catalog.pg_constraint c
CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
LEFT JOIN pg_catalog.pg_class r ON r.oid = c.confrelid
LEFT JOIN pg_catalog.pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[k.ord]
WHERE c.conrelid = $1::oid AND c.contype IN ('p', 'u', 'f')
ORDER BY c.conname, k.ord)";

// The text after a string literal's cast (`::character varying`, `::text`).
std::size_t skip_literal_cast(std::string_view text, std::size_t i) {
  for (const std::string_view cast : {"::character varying", "::text"})
    if (text.substr(i, cast.size()) == cast) return i + cast.size();
  return i;
}

// Enum CHECKs are kept in the column's type; any other CHECK is not modelled.
void read_enum_checks(backend::Connection& connection, const Value& oid, TableSchema& table) {
  for (const auto& row : connection.execute(kPostgresColumnChecks, {oid}).rows) {
    auto* column = table.column(text_of(row[1]));
    const auto choices = postgres_enum_choices(text_of(row[2]), text_of(row[1]));
    if (column == nullptr || !choices || column->type.kind != TypeKind::string) continue;
    column->type.kind = TypeKind::enum_;
    column->type.choices = *choices;
  }
}

void read_columns(backend::Connection& connection, const Value& oid, TableSchema& table) {
  for (const auto& row : connection.execute(kColumns, {oid}).rows) {
    ColumnSchema column;
    column.name = text_of(row[0]);
    column.sql_type = text_of(row[1]);
    column.type = type_from_sql(column.sql_type, Dialect::postgresql);
    column.nullable = !row[2].as<bool>();
    auto default_sql = row[3].as<std::optional<std::string>>();
    const bool generated = !text_of(row[5]).empty();  // its expression is not a DEFAULT
    if (!text_of(row[4]).empty()) {
      column.autoincrement = true;  // GENERATED ... AS IDENTITY
    } else if (default_sql && default_sql->starts_with("nextval(")) {
      column.autoincrement = true;  // SERIAL: the sequence is the autoincrement
      default_sql.reset();
    }
    if (!generated) column.default_sql = std::move(default_sql);
    table.columns.push_back(std::move(column));
  }
}

void read_indexes(backend::Connection& connection, const Value& oid, TableSchema& table) {
  std::map<std::string, IndexSchema> indexes;
  std::map<std::string, bool> representable;
  for (const auto& row : connection.execute(kIndexes, {oid}).rows) {
    const auto name = text_of(row[0]);
    auto& index = indexes[name];
    index.name = name;
    index.unique = row[1].as<bool>();
    // An expression or partial index has no place in the schema model.
    const bool plain = !row[3].is_null() && !row[4].as<bool>();
    representable.try_emplace(name, true).first->second &= plain;
    index.columns.push_back(text_of(row[3]));
  }
  for (auto& [name, index] : indexes)
    if (representable[name]) table.indexes.push_back(std::move(index));
}

void read_constraints(backend::Connection& connection, const Value& oid, TableSchema& table) {
  std::map<std::string, UniqueSchema> uniques;
  std::map<std::string, ForeignKeySchema> keys;
  for (const auto& row : connection.execute(kConstraints, {oid}).rows) {
    const auto name = text_of(row[0]);
    const auto type = text_of(row[1]);
    const auto column = text_of(row[2]);
    if (type == "p") {
      table.primary_key.push_back(column);  // rows come in key order
    } else if (type == "u") {
      auto& unique = uniques[name];
      unique.name = name;
      unique.columns.push_back(column);
    } else {
      auto& key = keys[name];
      key.name = name;
      key.columns.push_back(column);
      key.referred_table = text_of(row[3]);
      key.referred_columns.push_back(text_of(row[4]));
      key.on_delete = action(text_of(row[5]));
      key.on_update = action(text_of(row[6]));
    }
  }
  for (auto& [name, unique] : uniques) table.unique_constraints.push_back(std::move(unique));
  for (auto& [name, key] : keys) table.foreign_keys.push_back(std::move(key));
}

}  // namespace

std::optional<std::vector<std::string>> postgres_enum_choices(std::string_view definition, std::string_view column) {
  // The literals come out and leave a `?`; what remains must be the shape
  // PostgreSQL gives `CHECK ("c" IN ('a', 'b'))` on a VARCHAR column.
  std::vector<std::string> choices;
  std::string shape;
  for (std::size_t i = 0; i < definition.size();) {
    if (definition[i] == '"') {  // a quoted identifier, copied whole: a ' in it is no literal
      const auto close = definition.find('"', i + 1);
      const auto end = close == std::string_view::npos ? definition.size() : close + 1;
      shape += definition.substr(i, end - i);
      i = end;
      continue;
    }
    if (definition[i] != '\'') {
      shape += definition[i++];
      continue;
    }
    std::string literal;
    for (++i; i < definition.size(); ++i) {
      if (definition[i] != '\'') {
        literal += definition[i];
      } else if (i + 1 < definition.size() && definition[i + 1] == '\'') {
        literal += definition[++i];
      } else {
        break;
      }
    }
    if (i >= definition.size()) return std::nullopt;  // unterminated
    i = skip_literal_cast(definition, i + 1);
    choices.push_back(std::move(literal));
    shape += '?';
  }
  if (choices.empty()) return std::nullopt;
  std::string list;
  for (std::size_t i = 0; i < choices.size(); ++i) list += i == 0 ? "?" : ", ?";
  for (const auto& name : {std::string(column), quote_identifier(column)}) {
    const auto one = "CHECK (((" + name + ")::text = ?))";
    const auto many = "CHECK (((" + name + ")::text = ANY ((ARRAY[" + list + "])::text[])))";
    if (shape == (choices.size() == 1 ? one : many)) return choices;
  }
  return std::nullopt;
}

std::vector<std::string> postgres_table_names(backend::Connection& connection) {
  const auto result = connection.execute(
      "SELECT c.relname::text FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')",
      {});
  std::vector<std::string> names;
  for (const auto& row : result.rows) names.push_back(text_of(row[0]));
  return names;
}

std::optional<TableSchema> reflect_postgres_table(backend::Connection& connection, std::string_view name) {
  const auto found = connection.execute(
      "SELECT c.oid::bigint FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname = $1",
      {Value(name)});
  if (found.rows.empty()) return std::nullopt;
  const Value oid = found.rows.front()[0];
  TableSchema table;
  table.name = std::string(name);
  read_columns(connection, oid, table);
  read_indexes(connection, oid, table);
  read_constraints(connection, oid, table);
  read_enum_checks(connection, oid, table);
  return table;
}

}  // namespace starling::db::migrations

// The schema model: what a MetaData declares (schema_of), the dialect's type
// names read back as Starling types, and reflection by URL.
#include <starling/db/reflection.hpp>

#include <starling/db/ddl.hpp>
#include <starling/db/schema.hpp>

#include "migrations/reflect_connection.hpp"
#include "schema/table_data.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <tuple>
#include <utility>

namespace starling::db {

namespace {

bool is_integer(const Type& type) { return type.kind == TypeKind::integer || type.kind == TypeKind::big_integer; }

std::string upper(std::string_view text) {
  std::string out;
  for (const char c : text) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// "character varying(200)" → base "CHARACTER VARYING", arguments {200}; the
// parenthesised group may sit inside the name ("timestamp(3) with time zone").
struct TypeName {
  std::string base;
  std::vector<int> arguments;
};

TypeName split_type_name(std::string_view sql_type) {
  TypeName name;
  std::string base;
  std::size_t i = 0;
  while (i < sql_type.size()) {
    const char c = sql_type[i];
    if (c == '(') {
      const auto close = sql_type.find(')', i);
      const auto inside = sql_type.substr(i + 1, (close == std::string_view::npos ? sql_type.size() : close) - i - 1);
      for (std::size_t start = 0; start <= inside.size();) {
        auto end = inside.find(',', start);
        if (end == std::string_view::npos) end = inside.size();
        auto part = inside.substr(start, end - start);
        while (!part.empty() && std::isspace(static_cast<unsigned char>(part.front()))) part.remove_prefix(1);
        int value = 0;
        std::from_chars(part.data(), part.data() + part.size(), value);
        name.arguments.push_back(value);
        start = end + 1;
      }
      i = close == std::string_view::npos ? sql_type.size() : close + 1;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!base.empty() && base.back() != ' ') base += ' ';
    } else {
      base += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    ++i;
  }
  while (!base.empty() && base.back() == ' ') base.pop_back();
  name.base = std::move(base);
  return name;
}

std::optional<TypeKind> known_kind(const std::string& base) {
  struct Entry {
    std::string_view name;
    TypeKind kind;
  };
  static constexpr std::array<Entry, 37> kNames = {{
      {"INTEGER", TypeKind::integer},
      {"INT", TypeKind::integer},
      {"INT4", TypeKind::integer},
      {"SMALLINT", TypeKind::integer},
      {"INT2", TypeKind::integer},
      {"TINYINT", TypeKind::integer},
      {"MEDIUMINT", TypeKind::integer},
      {"SERIAL", TypeKind::integer},
      {"BIGINT", TypeKind::big_integer},
      {"INT8", TypeKind::big_integer},
      {"BIGSERIAL", TypeKind::big_integer},
      {"VARCHAR", TypeKind::string},
      {"CHARACTER VARYING", TypeKind::string},
      {"NVARCHAR", TypeKind::string},
      {"CHAR", TypeKind::string},
      {"CHARACTER", TypeKind::string},
      {"TEXT", TypeKind::text},
      {"CLOB", TypeKind::text},
      {"BOOLEAN", TypeKind::boolean},
      {"BOOL", TypeKind::boolean},
      {"REAL", TypeKind::float_},
      {"FLOAT", TypeKind::float_},
      {"DOUBLE", TypeKind::float_},
      {"DOUBLE PRECISION", TypeKind::float_},
      {"NUMERIC", TypeKind::numeric},
      {"DECIMAL", TypeKind::numeric},
      {"DATETIME", TypeKind::date_time},
      {"TIMESTAMP", TypeKind::date_time},
      {"TIMESTAMP WITHOUT TIME ZONE", TypeKind::date_time},
      {"TIMESTAMP WITH TIME ZONE", TypeKind::date_time_tz},
      {"TIMESTAMPTZ", TypeKind::date_time_tz},
      {"UUID", TypeKind::uuid},
      {"DATE", TypeKind::date},
      {"JSON", TypeKind::json},
      {"JSONB", TypeKind::json},
      {"BLOB", TypeKind::large_binary},
      {"BYTEA", TypeKind::large_binary},
  }};
  for (const auto& entry : kNames)
    if (entry.name == base) return entry.kind;
  return std::nullopt;
}

// SQLite's own rules for a type name it does not know (section 3.1 of its
// datatype documentation), so any declared type reads as something.
TypeKind sqlite_affinity(const std::string& base) {
  if (base.find("INT") != std::string::npos) return TypeKind::integer;
  if (base.find("CHAR") != std::string::npos || base.find("CLOB") != std::string::npos ||
      base.find("TEXT") != std::string::npos)
    return TypeKind::text;
  if (base.empty() || base.find("BLOB") != std::string::npos) return TypeKind::large_binary;
  if (base.find("REAL") != std::string::npos || base.find("FLOA") != std::string::npos ||
      base.find("DOUB") != std::string::npos)
    return TypeKind::float_;
  return TypeKind::numeric;
}

// The type as PostgreSQL's format_type() spells what the DDL created.
std::string postgres_type_name(const Type& type) {
  switch (type.kind) {
    case TypeKind::integer: return "integer";
    case TypeKind::big_integer: return "bigint";
    case TypeKind::string:
      return type.length > 0 ? "character varying(" + std::to_string(type.length) + ")" : "character varying";
    case TypeKind::text: return "text";
    case TypeKind::boolean: return "boolean";
    case TypeKind::float_: return "double precision";
    case TypeKind::numeric:
      if (type.precision == 0) return "numeric";
      return "numeric(" + std::to_string(type.precision) + "," + std::to_string(type.scale) + ")";
    case TypeKind::date_time: return "timestamp without time zone";
    case TypeKind::date: return "date";
    case TypeKind::json: return "jsonb";
    case TypeKind::large_binary: return "bytea";
    case TypeKind::date_time_tz: return "timestamp with time zone";
    case TypeKind::uuid: return "uuid";
    case TypeKind::enum_:
      return type.length > 0 ? "character varying(" + std::to_string(type.length) + ")" : "character varying";
  }
  return "text";
}

// SQLite reports `DEFAULT (expr)` as `expr`: one layer of parentheses goes.
std::string sqlite_default_text(std::string_view expression) {
  auto written = default_expression(expression);
  if (written.size() >= 2 && written.front() == '(' && written.back() == ')')
    return written.substr(1, written.size() - 2);
  return written;
}

TableSchema declared_table(const Table& table, Dialect dialect) {
  TableSchema schema;
  schema.name = table.name();
  const auto& key = table.data()->primary_key;
  const bool sqlite = dialect == Dialect::sqlite;
  for (const auto position : key) schema.primary_key.push_back(table.columns()[position].name());
  for (const auto& column : table.columns()) {
    const bool inline_key = column.primary_key() && key.size() == 1;
    schema.columns.push_back(migrations::declared_column(column, inline_key, dialect));
    const auto& name = column.name();
    if (column.index()) schema.indexes.push_back({"ix_" + table.name() + "_" + name, {name}, column.unique()});
    // The names PostgreSQL gives constraints that the DDL leaves unnamed.
    if (column.unique() && !column.index() && !inline_key)
      schema.unique_constraints.push_back({sqlite ? "" : table.name() + "_" + name + "_key", {name}});
    if (const auto& reference = column.foreign_key()) {
      schema.foreign_keys.push_back({sqlite ? "" : table.name() + "_" + name + "_fkey",
                                     {name},
                                     reference->table(),
                                     {reference->column()},
                                     migrations::normalize_action(reference->on_delete()),
                                     migrations::normalize_action(reference->on_update())});
    }
  }
  migrations::sort_table_parts(schema);
  return schema;
}

}  // namespace

namespace migrations {

ColumnSchema declared_column(const Column& column, bool inline_key, Dialect dialect) {
  ColumnSchema schema;
  schema.name = column.name();
  const bool sqlite = dialect == Dialect::sqlite;
  // On SQLite an inline integer key is written INTEGER, which makes it the
  // rowid: the database assigns it whatever the Column says.
  const bool rowid = sqlite && inline_key && is_integer(column.type());
  if (sqlite) {
    schema.sql_type = rowid ? "INTEGER" : sql_type(column.type(), dialect);
  } else {
    schema.sql_type = postgres_type_name(column.type());
  }
  schema.type = type_from_sql(schema.sql_type, dialect);
  if (column.type().kind == TypeKind::enum_) schema.type = column.type();  // its CHECK reads back as one
  schema.autoincrement = sqlite ? rowid : column.autoincrement();
  if (sqlite) {
    schema.nullable = rowid ? false : column.nullable();
  } else {
    schema.nullable = column.primary_key() ? false : column.nullable();  // PostgreSQL makes key columns NOT NULL
  }
  // SERIAL's nextval() is the autoincrement, not a DEFAULT to compare.
  if (!(schema.autoincrement && !sqlite)) {
    if (column.default_value()) schema.default_sql = sql_literal(*column.default_value(), dialect);
    if (column.default_sql())
      schema.default_sql = sqlite ? sqlite_default_text(*column.default_sql()) : *column.default_sql();
  }
  return schema;
}

std::string normalize_action(std::string_view action) {
  auto text = upper(action);
  return text == "NO ACTION" ? "" : text;
}

void sort_table_parts(TableSchema& table) {
  std::sort(table.indexes.begin(), table.indexes.end(),
            [](const IndexSchema& a, const IndexSchema& b) { return a.name < b.name; });
  std::sort(table.unique_constraints.begin(), table.unique_constraints.end(),
            [](const UniqueSchema& a, const UniqueSchema& b) {
              return std::tie(a.columns, a.name) < std::tie(b.columns, b.name);
            });
  std::sort(table.foreign_keys.begin(), table.foreign_keys.end(),
            [](const ForeignKeySchema& a, const ForeignKeySchema& b) {
              return std::tie(a.columns, a.referred_table, a.referred_columns, a.name) <
                     std::tie(b.columns, b.referred_table, b.referred_columns, b.name);
            });
}

SchemaSnapshot reflect(backend::Connection& connection, Dialect dialect, std::string_view skip_table) {
  auto names = dialect == Dialect::sqlite ? sqlite_table_names(connection) : postgres_table_names(connection);
  std::sort(names.begin(), names.end());
  SchemaSnapshot snapshot;
  for (const auto& name : names) {
    if (name == skip_table) continue;
    if (auto table = reflect_table(connection, dialect, name)) snapshot.tables.push_back(std::move(*table));
  }
  return snapshot;
}

std::optional<TableSchema> reflect_table(backend::Connection& connection, Dialect dialect, std::string_view table) {
  auto schema =
      dialect == Dialect::sqlite ? reflect_sqlite_table(connection, table) : reflect_postgres_table(connection, table);
  if (schema) sort_table_parts(*schema);
  return schema;
}

}  // namespace migrations

const ColumnSchema* TableSchema::column(std::string_view name) const {
  for (const auto& each : columns)
    if (each.name == name) return &each;
  return nullptr;
}

ColumnSchema* TableSchema::column(std::string_view name) {
  return const_cast<ColumnSchema*>(std::as_const(*this).column(name));
}

const TableSchema* SchemaSnapshot::table(std::string_view name) const {
  for (const auto& each : tables)
    if (each.name == name) return &each;
  return nullptr;
}

Type type_from_sql(std::string_view sql_type, Dialect dialect) {
  const auto name = split_type_name(sql_type);
  const auto argument = [&](std::size_t i) { return i < name.arguments.size() ? name.arguments[i] : 0; };
  const auto known = known_kind(name.base);
  const auto kind = known ? *known : dialect == Dialect::sqlite ? sqlite_affinity(name.base) : TypeKind::text;
  Type type{kind};
  if (known && kind == TypeKind::string) type.length = argument(0);
  if (known && kind == TypeKind::numeric) {
    type.precision = argument(0);
    type.scale = argument(1);
  }
  return type;
}

SchemaSnapshot schema_of(const MetaData& metadata, Dialect dialect) {
  SchemaSnapshot snapshot;
  for (const auto& table : metadata.tables()) snapshot.tables.push_back(declared_table(table, dialect));
  std::sort(snapshot.tables.begin(), snapshot.tables.end(),
            [](const TableSchema& a, const TableSchema& b) { return a.name < b.name; });
  return snapshot;
}

SchemaSnapshot reflect(const DatabaseURL& url, std::string_view version_table) {
  const auto connection = backend::open_connection(url);
  return migrations::reflect(*connection, url.dialect(), version_table);
}

}  // namespace starling::db

#pragma once
/// @file reflection.hpp
/// A database's schema as data: what the live database holds (reflect) and
/// what a MetaData declares (schema_of), in one shape, so migrations can
/// rebuild a SQLite table and autogenerate can compare the two.
///
///     const auto live = db::reflect(url);                 // tables, columns, indexes, keys
///     const auto declared = db::schema_of(metadata, url.dialect());

#include <starling/db/column.hpp>
#include <starling/db/url.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace starling::db {

class MetaData;

/// One column as the database (or the MetaData) defines it.
struct ColumnSchema {
  std::string name;
  /// The closest Starling type (an unknown SQLite type reads by its affinity).
  Type type;
  /// The type as the database spells it ("VARCHAR(200)", "character varying(200)"):
  /// what a SQLite rebuild writes back, so a type Starling has no name for survives.
  std::string sql_type;
  bool nullable = true;
  /// The DEFAULT expression as SQL ("'x'", "0", "CURRENT_TIMESTAMP"); none for
  /// an autoincrementing key (PostgreSQL's nextval is the autoincrement).
  std::optional<std::string> default_sql;
  /// The database assigns it: SQLite's INTEGER PRIMARY KEY [AUTOINCREMENT],
  /// PostgreSQL's SERIAL or identity.
  bool autoincrement = false;
  friend bool operator==(const ColumnSchema&, const ColumnSchema&) = default;
};

/// An index (not one a UNIQUE constraint or the primary key made for itself).
struct IndexSchema {
  std::string name;
  std::vector<std::string> columns;
  bool unique = false;
  friend bool operator==(const IndexSchema&, const IndexSchema&) = default;
};

/// A UNIQUE constraint. `name` is empty where the database keeps none (SQLite's
/// inline UNIQUE); constraints are compared by their columns.
struct UniqueSchema {
  std::string name;
  std::vector<std::string> columns;
  friend bool operator==(const UniqueSchema&, const UniqueSchema&) = default;
};

/// A FOREIGN KEY constraint; `name` as for UniqueSchema.
struct ForeignKeySchema {
  std::string name;
  std::vector<std::string> columns;
  std::string referred_table;
  std::vector<std::string> referred_columns;
  std::string on_delete;  ///< upper case; "" for NO ACTION
  std::string on_update;  ///< upper case; "" for NO ACTION
  friend bool operator==(const ForeignKeySchema&, const ForeignKeySchema&) = default;
};

/// One table: columns in their order, the primary key's columns in key order.
struct TableSchema {
  std::string name;
  std::vector<ColumnSchema> columns;
  std::vector<std::string> primary_key;
  std::vector<IndexSchema> indexes;
  std::vector<UniqueSchema> unique_constraints;
  std::vector<ForeignKeySchema> foreign_keys;

  /// The column `name`, or null.
  const ColumnSchema* column(std::string_view name) const;
  ColumnSchema* column(std::string_view name);
  friend bool operator==(const TableSchema&, const TableSchema&) = default;
};

/// Every table of a database (or a MetaData), by name order.
struct SchemaSnapshot {
  std::vector<TableSchema> tables;
  /// The table `name`, or null.
  const TableSchema* table(std::string_view name) const;
};

/// The user tables of the database at `url` (its own bookkeeping, such as the
/// migrations' `version_table` and SQLite's internal tables, left out). On
/// PostgreSQL, the tables of current_schema(), where unqualified names go.
/// @throws ConnectionError, or a db::Error from the database.
SchemaSnapshot reflect(const DatabaseURL& url, std::string_view version_table = "starling_version");

/// What `metadata` declares, as `dialect` would create it (create_statements).
SchemaSnapshot schema_of(const MetaData& metadata, Dialect dialect);

/// The Starling type a database type name stands for: "character varying(200)"
/// and "VARCHAR(200)" are String(200); an unknown SQLite name maps by affinity.
Type type_from_sql(std::string_view sql_type, Dialect dialect);

}  // namespace starling::db

#pragma once
/// @file schema.hpp
/// Tables and the MetaData that collects them, as in SQLAlchemy Core:
///
///     db::MetaData metadata;
///     const db::Table notes("notes", metadata, {
///         db::Column("id", db::Integer, db::primary_key),
///         db::Column("text", db::String),
///         db::Column("completed", db::Boolean),
///     });
///
/// Lifetime: a Table is a handle to an immutable, shared definition. The
/// MetaData, every copy of the Table, and every column reference and query
/// built from it share that definition, so none of them can dangle: tables,
/// metadata and queries may be copied, moved and destroyed in any order.

#include <starling/db/async.hpp>
#include <starling/db/column.hpp>
#include <starling/db/expression.hpp>
#include <starling/db/query.hpp>
#include <starling/db/url.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace starling::db {

class MetaData;
class Queryable;

/// A table definition. Cheap to copy: copies share one definition.
class Table {
 public:
  /// Defines table `name` and registers it in `metadata`.
  /// @throws ProgrammingError for an empty name or no columns, a repeated
  /// column name, a name already in `metadata`, or `db::autoincrement` on a
  /// column that is not the only, integer, primary key column.
  Table(std::string name, MetaData& metadata, std::vector<Column> columns);

  /// The table's name.
  const std::string& name() const;
  /// This table under another name in a query, for a self-join or two roles:
  /// `auto parent = notes.alias("parent"); parent.c("id")`. Its columns are
  /// distinct from the table's own; it cannot be inserted into or changed.
  /// @throws ProgrammingError for an empty name.
  [[nodiscard]] Table alias(std::string name) const;
  /// The alias, or "" for the table itself.
  const std::string& alias() const { return alias_; }
  /// The columns, in definition order.
  const std::vector<Column>& columns() const;
  /// The column `name`, for queries: `notes.c("text") == "x"`.
  /// @throws ProgrammingError naming the column and the table if there is none.
  ColumnRef c(std::string_view name) const;
  /// Whether there is a column `name`.
  bool has_column(std::string_view name) const;
  /// The primary key columns, in definition order (empty if none).
  std::vector<ColumnRef> primary_key() const;

  /// SELECT every column, in definition order.
  Select select() const;
  /// INSERT INTO this table.
  Insert insert() const { return Insert(*this); }
  /// UPDATE this table.
  Update update() const { return Update(*this); }
  /// DELETE FROM this table (`delete` is a C++ keyword).
  Delete delete_() const { return Delete(*this); }

  /// The shared definition (for the query compiler and DDL).
  const std::shared_ptr<const detail::TableData>& data() const { return data_; }

 private:
  Table() = default;
  void make_column_refs();

  std::shared_ptr<const detail::TableData> data_;
  std::string alias_;
  // One ColumnRef per column, made once: c() and select() copy them.
  std::shared_ptr<const std::vector<ColumnRef>> refs_;
};

/// The tables of an application, in definition order: what create_all and
/// migrations work from. Copying a MetaData copies the list (the tables
/// themselves are shared and immutable).
class MetaData {
 public:
  /// The tables, in definition order.
  const std::vector<Table>& tables() const { return tables_; }
  /// The table `name`. @throws ProgrammingError naming it if there is none.
  const Table& table(std::string_view name) const;
  /// Whether there is a table `name`.
  bool contains(std::string_view name) const;
  /// The tables ordered so that each comes after the tables its foreign keys
  /// reference (definition order otherwise): the order to create them in.
  /// A reference to a table outside this metadata is not an ordering constraint.
  /// @throws ProgrammingError naming the tables of a foreign-key cycle.
  std::vector<Table> sorted_tables() const;

  /// Creates every table and index that does not exist yet (existing ones are
  /// left alone), each table after those it references, in one transaction:
  /// `co_await metadata.create_all(database)`. Note that on a force_rollback
  /// Database the tables go with the rollback; tests create them by URL.
  /// @throws ProgrammingError as db::create_statements; a db::Error from the database.
  awaitable<void> create_all(Queryable& database) const;
  /// Drops every table that exists, dependants first, in one transaction.
  awaitable<void> drop_all(Queryable& database) const;
  /// create_all on a connection of its own, synchronously: for test set-up
  /// outside an event loop, as the reference's `metadata.create_all(engine)`.
  void create_all(const DatabaseURL& url) const;
  /// drop_all on a connection of its own, synchronously (test tear-down).
  void drop_all(const DatabaseURL& url) const;

 private:
  friend class Table;
  void add(const Table& table);

  std::vector<Table> tables_;
};

}  // namespace starling::db

// Operations: each change as its dialect's statements. PostgreSQL can ALTER
// everything; what SQLite cannot is done in operations_sqlite.cpp.
#include <starling/db/ddl.hpp>
#include <starling/db/migrations.hpp>
#include <starling/db/schema.hpp>

#include "migrations/operations_sqlite.hpp"
#include "migrations/reflect_connection.hpp"
#include "migrations/runner.hpp"
#include "migrations/table_sql.hpp"

namespace starling::db {
namespace {

using migrations::column_list;

// Migrations fail loudly where create_all is lenient: a table or index that
// already exists is a mistake in the revision, not something to skip.
std::string strict(std::string sql) {
  const std::string lenient = " IF NOT EXISTS";
  if (const auto at = sql.find(lenient); at != std::string::npos) sql.erase(at, lenient.size());
  return sql;
}

std::string alter(std::string_view table) { return "ALTER TABLE " + quote_identifier(table) + " "; }

std::string column_of(std::string_view table, std::string_view column) {
  return alter(table) + "ALTER COLUMN " + quote_identifier(column) + " ";
}

// An enum's choices are a CHECK on the column; it goes with the old type, since
// the new type or choices may not meet it. Other CHECKs stay.
void drop_enum_checks(migrations::Runner& runner, std::string_view table, const std::string& column) {
  if (!runner.online()) {
    runner.note("a CHECK on \"" + column + "\" that held an enum's old choices must be dropped by hand here");
    return;
  }
  for (const auto& row : runner.read(migrations::kPostgresColumnChecks, {Value(quote_identifier(table))}).rows) {
    const auto name = row[0].as<std::string>();
    if (row[1].as<std::string>() == column && migrations::postgres_enum_choices(row[2].as<std::string>(), column))
      runner.run(alter(table) + "DROP CONSTRAINT " + quote_identifier(name));
  }
}

void alter_postgres_column(migrations::Runner& runner, std::string_view table, std::string column,
                           const ColumnChanges& changes) {
  if (changes.new_name) {
    runner.run(alter(table) + "RENAME COLUMN " + quote_identifier(column) + " TO " +
               quote_identifier(*changes.new_name));
    column = *changes.new_name;
  }
  if (changes.type) {
    const auto type = sql_type(*changes.type, Dialect::postgresql);
    drop_enum_checks(runner, table, column);
    // To text, the assignment cast PostgreSQL applies by itself fails on a value
    // too long; an explicit cast (USING) would cut it short without a word. To
    // anything else it takes USING, whose casts fail on what they cannot convert.
    const auto kind = changes.type->kind;
    const bool to_text = kind == TypeKind::string || kind == TypeKind::text || kind == TypeKind::enum_;
    runner.run(column_of(table, column) + "TYPE " + type +
               (to_text ? "" : " USING " + quote_identifier(column) + "::" + type));
    if (kind == TypeKind::enum_)
      runner.run(alter(table) + "ADD" + type_check(column, *changes.type, Dialect::postgresql));
  }
  if (changes.nullable) runner.run(column_of(table, column) + (*changes.nullable ? "DROP NOT NULL" : "SET NOT NULL"));
  if (changes.drop_server_default) runner.run(column_of(table, column) + "DROP DEFAULT");
  if (changes.server_default)
    runner.run(column_of(table, column) + "SET DEFAULT " + sql_literal(*changes.server_default, Dialect::postgresql));
  if (changes.server_default_sql)
    runner.run(column_of(table, column) + "SET DEFAULT " + default_expression(*changes.server_default_sql));
}

std::string placeholder(Dialect dialect, std::size_t index) {
  return dialect == Dialect::sqlite ? "?" : "$" + std::to_string(index + 1);
}

}  // namespace

Dialect Operations::dialect() const { return runner_.dialect(); }

void Operations::create_table(const Table& table) {
  runner_.run(strict(create_table_statement(table, dialect())));
  for (auto& index : create_index_statements(table, dialect())) runner_.run(strict(std::move(index)));
}

void Operations::create_table(std::string_view name, const std::vector<Column>& columns) {
  MetaData scratch;  // the Table checks the columns as it would in the app's MetaData
  create_table(Table(std::string(name), scratch, columns));
}

void Operations::drop_table(std::string_view name) { runner_.run("DROP TABLE " + quote_identifier(name)); }

void Operations::rename_table(std::string_view name, std::string_view new_name) {
  runner_.run(alter(name) + "RENAME TO " + quote_identifier(new_name));
}

void Operations::add_column(std::string_view table, const Column& column) {
  if (column.primary_key()) throw MigrationError("add_column cannot add primary key column \"" + column.name() + "\"");
  if (dialect() == Dialect::sqlite && !migrations::sqlite_can_add(column)) {
    migrations::sqlite_add_column(runner_, table, column);
  } else {
    runner_.run(alter(table) + "ADD COLUMN " + column_definition(column, dialect()));
  }
  if (column.index())
    create_index("ix_" + std::string(table) + "_" + column.name(), table, {column.name()}, column.unique());
}

void Operations::drop_column(std::string_view table, std::string_view column) {
  if (dialect() == Dialect::sqlite) return migrations::sqlite_drop_column(runner_, table, column);
  runner_.run(alter(table) + "DROP COLUMN " + quote_identifier(column));
}

void Operations::alter_column(std::string_view table, std::string_view column, const ColumnChanges& changes) {
  if (dialect() == Dialect::sqlite) return migrations::sqlite_alter_column(runner_, table, column, changes);
  alter_postgres_column(runner_, table, std::string(column), changes);
}

void Operations::create_index(std::string_view name, std::string_view table, const std::vector<std::string>& columns,
                              bool unique) {
  runner_.run(migrations::create_index_sql({std::string(name), columns, unique}, table));
}

void Operations::drop_index(std::string_view name, std::string_view /*table*/) {
  runner_.run("DROP INDEX " + quote_identifier(name));
}

void Operations::create_unique_constraint(std::string_view name, std::string_view table,
                                          const std::vector<std::string>& columns) {
  if (dialect() == Dialect::sqlite) return create_index(name, table, columns, true);
  runner_.run(alter(table) + "ADD CONSTRAINT " + quote_identifier(name) + " UNIQUE (" + column_list(columns) + ")");
}

void Operations::create_foreign_key(std::string_view name, std::string_view table,
                                    const std::vector<std::string>& columns, std::string_view referred_table,
                                    const std::vector<std::string>& referred_columns,
                                    const ForeignKeyActions& actions) {
  if (columns.empty() || columns.size() != referred_columns.size())
    throw MigrationError("foreign key \"" + std::string(name) +
                         "\" needs as many referred columns as columns, and one at least");
  // The actions are checked as a column's foreign key checks them: only the standard's.
  auto key = ForeignKey(std::string(referred_table) + "." + referred_columns.front());
  if (!actions.on_delete.empty()) key = key.on_delete(actions.on_delete);
  if (!actions.on_update.empty()) key = key.on_update(actions.on_update);
  const ForeignKeySchema schema{std::string(name), columns,         std::string(referred_table),
                                referred_columns,  key.on_delete(), key.on_update()};
  if (dialect() == Dialect::sqlite) return migrations::sqlite_add_foreign_key(runner_, table, schema);
  std::string sql = alter(table) + "ADD CONSTRAINT " + quote_identifier(name) + " FOREIGN KEY (" +
                    column_list(columns) + ") REFERENCES " + quote_identifier(referred_table) + " (" +
                    column_list(referred_columns) + ")";
  if (!schema.on_delete.empty()) sql += " ON DELETE " + schema.on_delete;
  if (!schema.on_update.empty()) sql += " ON UPDATE " + schema.on_update;
  runner_.run(sql);
}

void Operations::drop_constraint(std::string_view name, std::string_view table) {
  if (dialect() == Dialect::sqlite) return migrations::sqlite_drop_constraint(runner_, table, name);
  runner_.run(alter(table) + "DROP CONSTRAINT " + quote_identifier(name));
}

void Operations::execute(std::string_view sql) { runner_.run(std::string(sql)); }

void Operations::execute(Dialect only_on, std::string_view sql) {
  if (only_on == dialect()) execute(sql);
}

void Operations::bulk_insert(std::string_view table, const std::vector<Values>& rows) {
  for (const auto& row : rows) {
    std::vector<std::string> columns;
    std::vector<Value> params;
    std::string placeholders;
    for (const auto& [column, value] : row) {
      columns.push_back(column);
      placeholders += (params.empty() ? "" : ", ") + placeholder(dialect(), params.size());
      params.push_back(value);
    }
    if (columns.empty()) {
      runner_.run("INSERT INTO " + quote_identifier(table) + " DEFAULT VALUES");
      continue;
    }
    runner_.run(
        "INSERT INTO " + quote_identifier(table) + " (" + column_list(columns) + ") VALUES (" + placeholders + ")",
        params);
  }
}

}  // namespace starling::db

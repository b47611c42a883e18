// Autogenerate's comparison of whole schemas: which tables come and go, in
// an order the database accepts, and each shared table's own differences.
#include <starling/db/autogenerate.hpp>

#include "migrations/compare_table.hpp"
#include "migrations/reflect_connection.hpp"
#include "migrations/render_code.hpp"

#include <algorithm>

namespace starling::db {
namespace {

// `tables` ordered so that each comes after the tables of the set its foreign
// keys refer to (name order otherwise); a cycle is left in name order, as
// nothing orders it.
std::vector<const TableSchema*> creation_order(std::vector<const TableSchema*> tables) {
  std::sort(tables.begin(), tables.end(), [](const auto* a, const auto* b) { return a->name < b->name; });
  std::vector<const TableSchema*> ordered;
  const auto in = [](const std::vector<const TableSchema*>& list, const std::string& name) {
    return std::any_of(list.begin(), list.end(), [&](const auto* table) { return table->name == name; });
  };
  const auto ready = [&](const TableSchema& table) {
    return std::all_of(table.foreign_keys.begin(), table.foreign_keys.end(), [&](const ForeignKeySchema& key) {
      return key.referred_table == table.name || !in(tables, key.referred_table) || in(ordered, key.referred_table);
    });
  };
  while (ordered.size() < tables.size()) {
    const TableSchema* next = nullptr;
    for (const auto* table : tables) {
      if (in(ordered, table->name)) continue;
      if (next == nullptr) next = table;  // the fallback for a cycle
      if (ready(*table)) {
        next = table;
        break;
      }
    }
    ordered.push_back(next);
  }
  return ordered;
}

std::string drop_table_code(const std::string& name) { return "op.drop_table(" + migrations::cpp_string(name) + ");"; }

}  // namespace

std::vector<SchemaDifference> compare_schemas(const SchemaSnapshot& live, const SchemaSnapshot& declared,
                                              Dialect dialect) {
  std::vector<const TableSchema*> added;
  std::vector<const TableSchema*> removed;
  for (const auto& table : declared.tables)
    if (live.table(table.name) == nullptr) added.push_back(&table);
  for (const auto& table : live.tables)
    if (declared.table(table.name) == nullptr) removed.push_back(&table);

  std::vector<SchemaDifference> differences;
  for (const auto* table : creation_order(added)) {
    differences.push_back({"add table " + migrations::quoted(table->name), migrations::render_create_table(*table),
                           drop_table_code(table->name)});
  }
  auto shared = declared.tables;
  std::sort(shared.begin(), shared.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (const auto& table : shared)
    if (const auto* before = live.table(table.name)) migrations::compare_table(*before, table, dialect, differences);
  // Dependants first: the reverse of the order they could be created in.
  const auto order = creation_order(removed);
  for (auto table = order.rbegin(); table != order.rend(); ++table) {
    differences.push_back({"remove table " + migrations::quoted((*table)->name), drop_table_code((*table)->name),
                           migrations::render_create_table(**table)});
  }
  return differences;
}

std::vector<SchemaDifference> compare_metadata(const DatabaseURL& url, const MetaData& metadata,
                                               std::string_view version_table) {
  const auto connection = backend::open_connection(url);
  const auto live = migrations::reflect(*connection, url.dialect(), version_table);
  return compare_schemas(live, schema_of(metadata, url.dialect()), url.dialect());
}

}  // namespace starling::db

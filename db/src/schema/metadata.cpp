#include <starling/db/schema.hpp>

#include "schema/table_data.hpp"

#include <algorithm>

namespace starling::db {

void MetaData::add(const Table& table) {
  if (contains(table.name())) throw ProgrammingError("metadata already has a table \"" + table.name() + "\"");
  tables_.push_back(table);
}

bool MetaData::contains(std::string_view name) const {
  return std::any_of(tables_.begin(), tables_.end(), [&](const Table& table) { return table.name() == name; });
}

const Table& MetaData::table(std::string_view name) const {
  for (const auto& table : tables_)
    if (table.name() == name) return table;
  throw ProgrammingError("metadata has no table \"" + std::string(name) + "\"");
}

std::vector<Table> MetaData::sorted_tables() const {
  // Repeatedly take the earliest-defined table whose references are all placed:
  // stable (definition order wherever the keys allow) and O(n²) for the few
  // dozen tables an application has.
  std::vector<Table> sorted;
  std::vector<bool> placed(tables_.size(), false);
  const auto ready = [&](const Table& table) {
    for (const auto& column : table.columns()) {
      const auto& key = column.foreign_key();
      if (!key || key->table() == table.name() || !contains(key->table())) continue;
      const auto is_placed = [&](const Table& t) { return t.name() == key->table(); };
      if (std::none_of(sorted.begin(), sorted.end(), is_placed)) return false;
    }
    return true;
  };
  while (sorted.size() < tables_.size()) {
    bool progressed = false;
    for (std::size_t i = 0; i < tables_.size() && !progressed; ++i) {
      if (placed[i] || !ready(tables_[i])) continue;
      placed[i] = true;
      sorted.push_back(tables_[i]);
      progressed = true;
    }
    if (!progressed) {
      std::string cycle;
      for (std::size_t i = 0; i < tables_.size(); ++i)
        if (!placed[i]) cycle += (cycle.empty() ? "\"" : ", \"") + tables_[i].name() + "\"";
      throw ProgrammingError("tables " + cycle + " cannot be ordered: their foreign keys form a cycle");
    }
  }
  return sorted;
}

}  // namespace starling::db

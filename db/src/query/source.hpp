#pragma once
// What a FROM clause lists: a table under its own name or an alias, or a named
// subquery. Shared by Source, Subquery and the column nodes that point at it.

#include <starling/db/query.hpp>

#include "schema/table_data.hpp"

#include <memory>
#include <string>
#include <vector>

namespace starling::db::detail {

struct SourceData {
  std::shared_ptr<const TableData> table;  // a table, or null for a subquery
  std::string alias;                       // a table's alias ("" = its own name); a subquery's name
  std::shared_ptr<const Select> select;    // the subquery
  std::vector<std::string> columns;        // the subquery's result columns

  // The name its columns are qualified with.
  const std::string& name() const { return table && alias.empty() ? table->name : alias; }
  // The same FROM entry: one table under one name, or one subquery.
  bool same_as(const SourceData& other) const {
    return table == other.table && alias == other.alias && select == other.select;
  }
};

using SourcePtr = std::shared_ptr<const SourceData>;

// The table `table` under `alias` as a FROM entry.
SourcePtr table_source(std::shared_ptr<const TableData> table, std::string alias);

}  // namespace starling::db::detail

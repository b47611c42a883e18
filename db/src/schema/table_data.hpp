#pragma once
// The immutable definition a Table, its ColumnRefs and the queries built from
// them share. Internal to starling_db: the public headers only forward-declare it.

#include <starling/db/column.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace starling::db::detail {

struct TableData {
  std::string name;
  std::vector<Column> columns;
  std::vector<std::size_t> primary_key;  // positions in `columns`, in definition order

  std::optional<std::size_t> find(std::string_view column) const;
  // The position of `column`. @throws ProgrammingError naming the column, the table and its columns.
  std::size_t position(std::string_view column) const;
  // The single-column Integer/BigInteger primary key, whose value an insert can report.
  std::optional<std::size_t> id_column() const;
};

// `"table"."column"`, for messages.
std::string describe_column(const TableData& table, std::size_t index);

}  // namespace starling::db::detail

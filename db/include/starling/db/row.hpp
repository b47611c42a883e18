#pragma once
/// @file row.hpp
/// Row: one result row, read by column name or index.

#include <starling/db/value.hpp>

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace starling::db {

/// The column names of a result, in query order, shared by all its rows.
/// Finding a name is a hash lookup on a wide result, a short scan on a narrow one.
class ColumnNames {
 public:
  explicit ColumnNames(std::vector<std::string> names);
  ColumnNames(const ColumnNames&) = delete;  // the index points into names_
  ColumnNames& operator=(const ColumnNames&) = delete;

  const std::vector<std::string>& names() const { return names_; }
  std::size_t size() const { return names_.size(); }
  const std::string& operator[](std::size_t index) const { return names_[index]; }
  /// The position of the first column called `name`, if any.
  std::optional<std::size_t> find(std::string_view name) const;

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string_view, std::size_t> index_;  // only past a handful of columns
};

/// The column names of a result, shared by all its rows.
using Columns = std::shared_ptr<const ColumnNames>;

/// Columns made from names (for backends and tests).
Columns make_columns(std::vector<std::string> names);

class Row {
 public:
  Row(Columns columns, std::vector<Value> values);

  /// The value of a column. @throws std::out_of_range naming the column and listing the columns.
  const Value& operator[](std::string_view column) const;
  /// The value at an index. @throws std::out_of_range naming the index and the width.
  const Value& operator[](std::size_t index) const;

  /// The column converted to `T` (see Value::as). @throws TypeError naming the column.
  template <class T>
  T get(std::string_view column) const {
    const Value& value = (*this)[column];
    try {
      return value.template as<T>();  // no message built unless it fails
    } catch (const TypeError&) {
      value.template as<T>("column '" + std::string(column) + "'");  // fails again, naming the column
      throw;
    }
  }
  bool is_null(std::string_view column) const { return (*this)[column].is_null(); }
  bool contains(std::string_view column) const { return columns_->find(column).has_value(); }

  std::size_t size() const { return values_.size(); }
  const std::vector<std::string>& columns() const { return columns_->names(); }
  const std::vector<Value>& values() const { return values_; }
  /// `{"column": value, ...}` with the keys in the query's column order.
  nlohmann::ordered_json to_json() const;

 private:
  Columns columns_;
  std::vector<Value> values_;
};

/// `nlohmann::ordered_json json = row;` keeps the query's column order.
void to_json(nlohmann::ordered_json& json, const Row& row);
/// `nlohmann::json json = row;` (nlohmann::json sorts an object's keys).
void to_json(nlohmann::json& json, const Row& row);

}  // namespace starling::db

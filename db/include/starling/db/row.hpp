#pragma once
/// @file row.hpp
/// Row: one result row, read by column name or index.

#include <starling/db/value.hpp>

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace starling::db {

/// The column names of a result, shared by all its rows.
using Columns = std::shared_ptr<const std::vector<std::string>>;

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
  bool contains(std::string_view column) const;

  std::size_t size() const { return values_.size(); }
  const std::vector<std::string>& columns() const { return *columns_; }
  const std::vector<Value>& values() const { return values_; }
  /// `{"column": value, ...}` (keys in nlohmann::json's sorted order).
  nlohmann::json to_json() const;

 private:
  Columns columns_;
  std::vector<Value> values_;
};

void to_json(nlohmann::json& json, const Row& row);

}  // namespace starling::db

#include <starling/db/row.hpp>

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace starling::db {

Row::Row(Columns columns, std::vector<Value> values) : columns_(std::move(columns)), values_(std::move(values)) {
  if (!columns_ || columns_->size() != values_.size())
    throw std::invalid_argument("Row: the number of columns and values differ");
}

const Value& Row::operator[](std::string_view column) const {
  // Linear: rows are narrow, and this beats hashing for a handful of columns.
  for (std::size_t i = 0; i < columns_->size(); ++i)
    if ((*columns_)[i] == column) return values_[i];
  std::string known;
  for (const auto& name : *columns_) known += (known.empty() ? "" : ", ") + name;
  throw std::out_of_range("no column '" + std::string(column) + "' in this row (columns: " + known + ")");
}

const Value& Row::operator[](std::size_t index) const {
  if (index >= values_.size())
    throw std::out_of_range("column index " + std::to_string(index) + " is out of range (the row has " +
                            std::to_string(values_.size()) + " columns)");
  return values_[index];
}

bool Row::contains(std::string_view column) const {
  for (const auto& name : *columns_)
    if (name == column) return true;
  return false;
}

nlohmann::json Row::to_json() const {
  // nlohmann::json orders keys by name; the column order stays in columns().
  nlohmann::json object = nlohmann::json::object();
  for (std::size_t i = 0; i < values_.size(); ++i) object[(*columns_)[i]] = values_[i].to_json();
  return object;
}

void to_json(nlohmann::json& json, const Row& row) { json = row.to_json(); }

}  // namespace starling::db

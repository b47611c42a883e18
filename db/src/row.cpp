#include <starling/db/row.hpp>

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace starling::db {

namespace {

// Past this many columns a hash lookup beats comparing names one by one.
constexpr std::size_t kIndexedWidth = 8;

}  // namespace

ColumnNames::ColumnNames(std::vector<std::string> names) : names_(std::move(names)) {
  if (names_.size() <= kIndexedWidth) return;
  index_.reserve(names_.size());
  for (std::size_t i = 0; i < names_.size(); ++i) index_.emplace(names_[i], i);  // the first of a repeated name wins
}

std::optional<std::size_t> ColumnNames::find(std::string_view name) const {
  if (!index_.empty()) {
    const auto found = index_.find(name);
    if (found == index_.end()) return std::nullopt;
    return found->second;
  }
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return i;
  return std::nullopt;
}

Columns make_columns(std::vector<std::string> names) { return std::make_shared<const ColumnNames>(std::move(names)); }

Row::Row(Columns columns, std::vector<Value> values) : columns_(std::move(columns)), values_(std::move(values)) {
  if (!columns_ || columns_->size() != values_.size())
    throw std::invalid_argument("Row: the number of columns and values differ");
}

const Value& Row::operator[](std::string_view column) const {
  if (const auto index = columns_->find(column)) return values_[*index];
  std::string known;
  for (const auto& name : columns_->names()) known += (known.empty() ? "" : ", ") + name;
  throw std::out_of_range("no column '" + std::string(column) + "' in this row (columns: " + known + ")");
}

const Value& Row::operator[](std::size_t index) const {
  if (index >= values_.size())
    throw std::out_of_range("column index " + std::to_string(index) + " is out of range (the row has " +
                            std::to_string(values_.size()) + " columns)");
  return values_[index];
}

nlohmann::ordered_json Row::to_json() const {
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
  // Appended to the object's list directly: its operator[] searches it, which
  // is quadratic in a wide row.
  auto& fields = object.get_ref<nlohmann::ordered_json::object_t&>();
  fields.reserve(values_.size());
  for (std::size_t i = 0; i < values_.size(); ++i) {
    const auto& name = (*columns_)[i];
    // A repeated name keeps its first value, as operator[] reads it.
    if (columns_->find(name) == i) fields.emplace_back(name, nlohmann::ordered_json(values_[i].to_json()));
  }
  return object;
}

void to_json(nlohmann::ordered_json& json, const Row& row) { json = row.to_json(); }

void to_json(nlohmann::json& json, const Row& row) { json = nlohmann::json(row.to_json()); }

}  // namespace starling::db

#include <starling/db/schema.hpp>

#include "schema/table_data.hpp"

namespace starling::db {

namespace detail {

std::optional<std::size_t> TableData::find(std::string_view column) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name() == column) return i;
  return std::nullopt;
}

std::size_t TableData::position(std::string_view column) const {
  if (const auto found = find(column)) return *found;
  // Listing the columns makes a typo obvious at a glance.
  std::string known;
  for (const auto& each : columns) known += (known.empty() ? "" : ", ") + each.name();
  throw ProgrammingError("table \"" + name + "\" has no column \"" + std::string(column) + "\" (columns: " + known +
                         ")");
}

std::optional<std::size_t> TableData::id_column() const {
  if (primary_key.size() != 1) return std::nullopt;
  const auto kind = columns[primary_key.front()].type().kind;
  if (kind != TypeKind::integer && kind != TypeKind::big_integer) return std::nullopt;
  return primary_key.front();
}

std::string describe_column(const TableData& table, std::size_t index) {
  return "\"" + table.name + "\".\"" + table.columns[index].name() + "\"";
}

}  // namespace detail

Table::Table(std::string name, MetaData& metadata, std::vector<Column> columns) {
  if (name.empty()) throw ProgrammingError("a table needs a name");
  if (columns.empty()) throw ProgrammingError("table \"" + name + "\" has no columns");
  auto data = std::make_shared<detail::TableData>();
  data->name = std::move(name);
  data->columns = std::move(columns);
  auto& cols = data->columns;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (data->find(cols[i].name()) != i)
      throw ProgrammingError("table \"" + data->name + "\" has two columns named \"" + cols[i].name() + "\"");
    if (cols[i].primary_key()) data->primary_key.push_back(i);
  }
  // As SQLAlchemy: a table's only primary key column autoincrements if it is
  // an integer, unless told otherwise; any other column cannot.
  const auto id = data->id_column();
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (id == i) {
      cols[i].autoincrement_ = cols[i].autoincrement_.value_or(true);
    } else if (cols[i].autoincrement_.value_or(false)) {
      throw ProgrammingError(
          "column " + detail::describe_column(*data, i) +
          ": autoincrement needs the table's only primary key column, of Integer or BigInteger type");
    } else {
      cols[i].autoincrement_ = false;
    }
  }
  data_ = std::move(data);
  make_column_refs();
  metadata.add(*this);
}

void Table::make_column_refs() {
  std::vector<ColumnRef> refs;
  refs.reserve(data_->columns.size());
  for (std::size_t i = 0; i < data_->columns.size(); ++i) refs.emplace_back(data_, i, alias_);
  refs_ = std::make_shared<const std::vector<ColumnRef>>(std::move(refs));
}

Table Table::alias(std::string name) const {
  if (name.empty()) throw ProgrammingError("alias() of table \"" + data_->name + "\" needs a name");
  Table aliased;
  aliased.data_ = data_;
  aliased.alias_ = std::move(name);
  aliased.make_column_refs();
  return aliased;
}

const std::string& Table::name() const { return data_->name; }

const std::vector<Column>& Table::columns() const { return data_->columns; }

ColumnRef Table::c(std::string_view name) const { return (*refs_)[data_->position(name)]; }

bool Table::has_column(std::string_view name) const { return data_->find(name).has_value(); }

std::vector<ColumnRef> Table::primary_key() const {
  std::vector<ColumnRef> refs;
  for (const auto index : data_->primary_key) refs.push_back((*refs_)[index]);
  return refs;
}

Select Table::select() const { return Select(std::vector<Expression>(refs_->begin(), refs_->end())); }

}  // namespace starling::db

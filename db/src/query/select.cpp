// Select's builder methods; select_writer.cpp turns one into SQL.
#include <starling/db/query.hpp>

#include <starling/db/schema.hpp>

#include "query/node.hpp"
#include "query/source.hpp"
#include "query/sql_writer.hpp"

#include <algorithm>

namespace starling::db {

Source::Source(const Table& table) : data_(detail::table_source(table.data(), table.alias())) {}

const std::string& Subquery::name() const { return data_->alias; }

Expression Subquery::c(std::string_view column) const {
  const auto& columns = data_->columns;
  if (column.empty()) throw ProgrammingError("subquery \"" + data_->alias + "\": c() needs a column name");
  if (std::find(columns.begin(), columns.end(), column) == columns.end()) {
    std::string listed;
    for (const auto& name : columns) listed += (listed.empty() ? "" : ", ") + (name.empty() ? "(unlabelled)" : name);
    throw ProgrammingError("subquery \"" + data_->alias + "\" has no column \"" + std::string(column) +
                           "\"; its columns: " + listed + " (label() an expression to name it)");
  }
  detail::Node node;
  node.kind = detail::Node::Kind::source_column;
  node.source = data_;
  node.name = std::string(column);
  return detail::make_expression(std::move(node));
}

Select::Select(std::vector<Expression> columns) : columns_(std::move(columns)) {}

void Select::refuse_after_union(std::string_view clause) const {
  if (!compound_.empty())
    throw ProgrammingError(std::string(clause) +
                           " after union_() would apply to the first query only: call it on each query, or on "
                           "the union's subquery()");
}

Select Select::select_from(const Source& source) const {
  refuse_after_union("select_from()");
  Select copy = *this;
  copy.from_.push_back(source.data());
  return copy;
}

Select Select::with_join(const Source& target, std::optional<Expression> on, bool outer) const {
  refuse_after_union("join()");
  Select copy = *this;
  copy.joins_.push_back(Join{target.data(), std::move(on), outer});
  return copy;
}

Select Select::join(const Source& target, const Expression& on) const { return with_join(target, on, false); }
Select Select::join(const Source& target) const { return with_join(target, std::nullopt, false); }
Select Select::outerjoin(const Source& target, const Expression& on) const { return with_join(target, on, true); }
Select Select::outerjoin(const Source& target) const { return with_join(target, std::nullopt, true); }

Select Select::where(const Expression& condition) const {
  refuse_after_union("where()");
  Select copy = *this;
  copy.where_ = where_ ? and_(*where_, condition) : condition;
  return copy;
}

Select Select::group_by(const std::vector<Expression>& terms) const {
  refuse_after_union("group_by()");
  Select copy = *this;
  copy.group_by_.insert(copy.group_by_.end(), terms.begin(), terms.end());
  return copy;
}

Select Select::having(const Expression& condition) const {
  refuse_after_union("having()");
  Select copy = *this;
  copy.having_ = having_ ? and_(*having_, condition) : condition;
  return copy;
}

Select Select::distinct() const {
  refuse_after_union("distinct()");
  Select copy = *this;
  copy.distinct_ = true;
  return copy;
}

Select Select::order_by(const std::vector<OrderBy>& terms) const {
  Select copy = *this;
  copy.order_.insert(copy.order_.end(), terms.begin(), terms.end());
  return copy;
}

Select Select::limit(std::int64_t count) const {
  if (count < 0) throw ProgrammingError("LIMIT must not be negative (got " + std::to_string(count) + ")");
  Select copy = *this;
  copy.limit_ = count;
  return copy;
}

Select Select::offset(std::int64_t count) const {
  if (count < 0) throw ProgrammingError("OFFSET must not be negative (got " + std::to_string(count) + ")");
  Select copy = *this;
  copy.offset_ = count;
  return copy;
}

Select Select::count() const {
  // The rows a limit, offset, DISTINCT, GROUP BY or UNION leave are not those
  // of the plain FROM ... WHERE: count what the query itself returns.
  // An aggregate or any computed column may fold rows together (max(x): one
  // row); only plain columns keep the FROM ... WHERE rows as they are.
  const auto plain = [](const Expression& column) {
    const auto kind = column.node()->kind;
    return kind == detail::Node::Kind::column || kind == detail::Node::Kind::source_column;
  };
  const bool shaped = limit_ || offset_ || distinct_ || !group_by_.empty() || having_ || !compound_.empty() ||
                      !std::all_of(columns_.begin(), columns_.end(), plain);
  if (shaped) {
    Select inner = *this;
    if (!limit_ && !offset_) inner.order_.clear();  // order cannot change a count
    return Select({db::count()}).select_from(inner.subquery("counted"));
  }
  // The columns go, but the tables they named stay in FROM.
  Select copy = *this;
  std::vector<detail::SourcePtr> sources = from_;
  for (const auto& column : columns_) detail::collect_sources(column, sources);
  copy.from_ = std::move(sources);
  copy.columns_ = {db::count()};
  copy.order_.clear();
  return copy;
}

Select Select::with_compound(const Select& other, bool all) const {
  for (const Select* part : {this, &other})
    if (!part->order_.empty() || part->limit_ || part->offset_)
      throw ProgrammingError(
          "a query in a UNION cannot have its own order_by(), limit() or offset(): call them on the union");
  Select copy = *this;
  copy.compound_.push_back(Compound{all, std::make_shared<const Select>(other)});
  return copy;
}

Select Select::union_(const Select& other) const { return with_compound(other, false); }
Select Select::union_all(const Select& other) const { return with_compound(other, true); }

Subquery Select::subquery(std::string name) const {
  if (name.empty()) throw ProgrammingError("subquery() needs a name");
  auto data = std::make_shared<detail::SourceData>();
  data->alias = std::move(name);
  data->select = std::make_shared<const Select>(*this);
  data->columns = column_names();
  return Subquery(std::move(data));
}

Expression Select::scalar_subquery() const {
  detail::Node node;
  node.kind = detail::Node::Kind::scalar_select;
  node.select = std::make_shared<const Select>(*this);
  return detail::make_expression(std::move(node));
}

std::vector<std::string> Select::column_names() const {
  std::vector<std::string> names;
  if (columns_.empty()) {
    if (from_.empty()) return names;
    const auto& source = *from_.front();
    if (!source.table) return source.columns;
    for (const auto& column : source.table->columns) names.push_back(column.name());
    return names;
  }
  for (const auto& column : columns_) {
    const auto& node = *column.node();
    using Kind = detail::Node::Kind;
    if (node.kind == Kind::label || node.kind == Kind::source_column)
      names.push_back(node.name);
    else if (node.kind == Kind::column)
      names.push_back(node.table->columns[node.index].name());
    else
      names.emplace_back();
  }
  return names;
}

}  // namespace starling::db

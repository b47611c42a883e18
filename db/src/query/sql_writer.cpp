#include "query/sql_writer.hpp"

#include <starling/db/ddl.hpp>

#include "query/node.hpp"
#include "query/overlay.hpp"
#include "schema/table_data.hpp"

#include <algorithm>

namespace starling::db::detail {

namespace {

// AND inside OR (and the reverse) is parenthesised even where precedence makes
// it unnecessary: the SQL reads the way the expression was written.
bool needs_parentheses(const Expression& child) {
  const auto kind = child.node()->kind;
  return kind == Node::Kind::all || kind == Node::Kind::any;
}

}  // namespace

SqlWriter& SqlWriter::raw(std::string_view sql) {
  sql_ += sql;
  return *this;
}

SqlWriter& SqlWriter::identifier(std::string_view name) { return raw(quote_identifier(name)); }

SqlWriter& SqlWriter::column(const ColumnRef& column) {
  if (qualify_) identifier(column.table_name()).raw(".");
  return identifier(column.name());
}

SqlWriter& SqlWriter::param(Value value) {
  params_.push_back(std::move(value));
  if (dialect_ == Dialect::sqlite) return raw("?");
  // Two appends, not "$" + text: GCC 12's -O3 warns falsely (-Wrestrict) on that.
  return raw("$").raw(std::to_string(params_.size()));
}

SqlWriter& SqlWriter::expression(const Expression& condition) {
  const Node& node = *condition.node();
  switch (node.kind) {
    case Node::Kind::compare:
      column(*node.column).raw(" ").raw(node.op).raw(" ");
      return node.other ? column(*node.other) : param(node.value);
    case Node::Kind::like: return column(*node.column).raw(" LIKE ").param(node.value);
    case Node::Kind::in:
      // `x IN ()` is not SQL; an empty list matches nothing.
      if (node.values.empty()) return raw("1 = 0");
      column(*node.column).raw(" IN (");
      for (std::size_t i = 0; i < node.values.size(); ++i) {
        if (i > 0) raw(", ");
        param(node.values[i]);
      }
      return raw(")");
    case Node::Kind::is_null: return column(*node.column).raw(" IS NULL");
    case Node::Kind::is_not_null: return column(*node.column).raw(" IS NOT NULL");
    case Node::Kind::all:
    case Node::Kind::any: {
      if (node.children.empty()) return raw(node.kind == Node::Kind::all ? "1 = 1" : "1 = 0");
      const auto separator = node.kind == Node::Kind::all ? " AND " : " OR ";
      for (std::size_t i = 0; i < node.children.size(); ++i) {
        if (i > 0) raw(separator);
        const auto& child = node.children[i];
        if (needs_parentheses(child))
          raw("(").expression(child).raw(")");
        else
          expression(child);
      }
      return *this;
    }
    case Node::Kind::negate: return raw("NOT (").expression(node.children.front()).raw(")");
    case Node::Kind::constant: return raw(node.truth ? "1 = 1" : "1 = 0");
  }
  return *this;
}

CompiledQuery SqlWriter::finish(bool read_only, bool returns_id) && {
  return CompiledQuery{std::move(sql_), std::move(params_), read_only, returns_id};
}

void collect_tables(const Expression& condition, std::vector<const TableData*>& tables) {
  const Node& node = *condition.node();
  const auto add = [&](const std::optional<ColumnRef>& column) {
    if (column && std::find(tables.begin(), tables.end(), column->table().get()) == tables.end())
      tables.push_back(column->table().get());
  };
  add(node.column);
  add(node.other);
  for (const auto& child : node.children) collect_tables(child, tables);
}

Values merge_values(const TableData& table, Values into, const Values& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    table.position(values[i].first);  // throws for an unknown column
    for (std::size_t j = 0; j < i; ++j)
      if (values[j].first == values[i].first)
        throw ProgrammingError("column \"" + values[i].first + "\" of table \"" + table.name + "\" is given twice");
  }
  return overlay(std::move(into), values);
}

Expression single_table_where(const TableData& table, const std::optional<Expression>& where,
                              const Expression& condition, std::string_view statement) {
  std::vector<const TableData*> tables;
  collect_tables(condition, tables);
  for (const auto* other : tables) {
    if (other == &table) continue;
    throw ProgrammingError(std::string(statement) + " \"" + table.name + "\": the WHERE uses a column of table \"" +
                           other->name + "\"; only the table's own columns can be used");
  }
  return where ? and_(*where, condition) : condition;
}

}  // namespace starling::db::detail

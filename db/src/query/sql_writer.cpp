#include "query/sql_writer.hpp"

#include <starling/db/ddl.hpp>

#include "query/node.hpp"
#include "schema/table_data.hpp"

#include <algorithm>

namespace starling::db::detail {

namespace {

using Kind = Node::Kind;

// Operators and predicates inside another operator are parenthesised even
// where precedence makes it unnecessary: the SQL reads the way the expression
// was written, and no precedence table can differ between the two databases.
bool needs_parentheses(const Expression& child) {
  switch (child.node()->kind) {
    case Kind::binary:
    case Kind::in_list:
    case Kind::in_select:
    case Kind::between:
    case Kind::is_null:
    case Kind::is_not_null:
    case Kind::all:
    case Kind::any:
    case Kind::negate:
    case Kind::constant: return true;
    default: return false;
  }
}

// The PostgreSQL type a bound value standing alone is cast to.
std::string_view postgres_type(ValueType type) {
  switch (type) {
    case ValueType::boolean: return "BOOLEAN";
    case ValueType::integer: return "BIGINT";
    case ValueType::real: return "DOUBLE PRECISION";
    case ValueType::text: return "TEXT";
    case ValueType::blob: return "BYTEA";
    case ValueType::json: return "JSONB";
    case ValueType::decimal: return "NUMERIC";
    case ValueType::null: break;
  }
  return {};
}

bool is_literal(const Expression& expression) { return expression.node()->kind == Kind::literal; }

}  // namespace

SqlWriter& SqlWriter::raw(std::string_view sql) {
  sql_ += sql;
  return *this;
}

SqlWriter& SqlWriter::identifier(std::string_view name) { return raw(quote_identifier(name)); }

SqlWriter& SqlWriter::param(Value value) {
  params_.push_back(std::move(value));
  if (dialect_ == Dialect::sqlite) return raw("?");
  // Two appends, not "$" + text: GCC 12's -O3 warns falsely (-Wrestrict) on that.
  return raw("$").raw(std::to_string(params_.size()));
}

SqlWriter& SqlWriter::value_expression(const Expression& expression) { return operand(expression, true); }

SqlWriter& SqlWriter::operand(const Expression& expression, bool typed) {
  const Node& node = *expression.node();
  if (node.kind != Kind::literal || !typed || dialect_ != Dialect::postgresql) return this->expression(expression);
  const auto type = postgres_type(node.value.type());
  if (type.empty()) return param(node.value);
  return raw("CAST(").param(node.value).raw(" AS ").raw(type).raw(")");
}

SqlWriter& SqlWriter::binary(const Expression& left, std::string_view op, const Expression& right) {
  // A bound value takes the type of what it meets; two bound values are typed.
  const bool both_literal = is_literal(left) && is_literal(right);
  const auto side = [&](const Expression& part) -> SqlWriter& {
    if (needs_parentheses(part)) return raw("(").expression(part).raw(")");
    return operand(part, both_literal);
  };
  side(left).raw(" ").raw(op).raw(" ");
  return side(right);
}

SqlWriter& SqlWriter::select_list(const std::vector<Expression>& expressions) {
  for (std::size_t i = 0; i < expressions.size(); ++i) {
    if (i > 0) raw(", ");
    const Node& node = *expressions[i].node();
    if (node.kind != Kind::label) {
      value_expression(expressions[i]);
      continue;
    }
    value_expression(node.children.front()).raw(" AS ").identifier(node.name);
  }
  return *this;
}

SqlWriter& SqlWriter::list(const std::vector<Expression>& expressions) {
  for (std::size_t i = 0; i < expressions.size(); ++i) {
    if (i > 0) raw(", ");
    value_expression(expressions[i]);
  }
  return *this;
}

SqlWriter& SqlWriter::expression(const Expression& expression) {
  const Node& node = *expression.node();
  const auto wrapped = [&](const Expression& child) -> SqlWriter& {
    return needs_parentheses(child) ? raw("(").expression(child).raw(")") : this->expression(child);
  };
  switch (node.kind) {
    case Kind::column:
      if (qualify_) identifier(node.alias.empty() ? node.table->name : node.alias).raw(".");
      return identifier(node.table->columns[node.index].name());
    case Kind::source_column: return identifier(node.source->name()).raw(".").identifier(node.name);
    case Kind::literal: return param(node.value);
    case Kind::binary: {
      const bool ilike = node.name == "ILIKE";
      // SQLite has no ILIKE; its LIKE already ignores (ASCII) case.
      return binary(node.children[0], ilike && dialect_ == Dialect::sqlite ? "LIKE" : node.name, node.children[1]);
    }
    case Kind::in_list:
      // `x IN ()` is not SQL; an empty list matches nothing (and NOT IN everything).
      if (node.values.empty()) return raw(node.flag ? "1 = 1" : "1 = 0");
      wrapped(node.children[0]).raw(node.flag ? " NOT IN (" : " IN (");
      for (std::size_t i = 0; i < node.values.size(); ++i) {
        if (i > 0) raw(", ");
        param(node.values[i]);
      }
      return raw(")");
    case Kind::in_select:
      wrapped(node.children[0]).raw(node.flag ? " NOT IN (" : " IN (");
      return select(*node.select, true).raw(")");
    case Kind::between:
      wrapped(node.children[0]).raw(" BETWEEN ");
      wrapped(node.children[1]).raw(" AND ");
      return wrapped(node.children[2]);
    case Kind::is_null: return wrapped(node.children[0]).raw(" IS NULL");
    case Kind::is_not_null: return wrapped(node.children[0]).raw(" IS NOT NULL");
    case Kind::all:
    case Kind::any: {
      if (node.children.empty()) return raw(node.kind == Kind::all ? "1 = 1" : "1 = 0");
      const auto separator = node.kind == Kind::all ? " AND " : " OR ";
      for (std::size_t i = 0; i < node.children.size(); ++i) {
        if (i > 0) raw(separator);
        const auto& child = node.children[i];
        const auto kind = child.node()->kind;
        if (kind == Kind::all || kind == Kind::any)
          raw("(").expression(child).raw(")");
        else
          this->expression(child);
      }
      return *this;
    }
    case Kind::negate: return raw("NOT (").expression(node.children.front()).raw(")");
    case Kind::constant: return raw(node.flag ? "1 = 1" : "1 = 0");
    case Kind::function: raw(node.name).raw(node.flag ? "(DISTINCT " : "("); return list(node.children).raw(")");
    case Kind::count_star: return raw("count(*)");
    case Kind::case_: {
      raw("CASE");
      const std::size_t pairs = (node.children.size() - (node.flag ? 1 : 0)) / 2;
      for (std::size_t i = 0; i < pairs; ++i) {
        raw(" WHEN ").expression(node.children[2 * i]);
        raw(" THEN ").value_expression(node.children[2 * i + 1]);
      }
      if (node.flag) raw(" ELSE ").value_expression(node.children.back());
      return raw(" END");
    }
    case Kind::exists: return raw("EXISTS (").select(*node.select, true).raw(")");
    case Kind::scalar_select: return raw("(").select(*node.select, true).raw(")");
    case Kind::label: return this->expression(node.children.front());  // `AS` only in a select list
    case Kind::excluded: return raw("excluded.").identifier(node.name);
    case Kind::json_text: return json_text(node);
  }
  return *this;
}

SqlWriter& SqlWriter::json_text(const Node& node) {
  if (dialect_ == Dialect::postgresql) {
    // Every step as text: jsonb_extract_path_text reads "0" as an index in an array.
    raw("jsonb_extract_path_text(").expression(node.children.front());
    for (const auto& step : node.values) {
      raw(", CAST(").param(step.type() == ValueType::integer ? Value(std::to_string(step.as<std::int64_t>())) : step);
      raw(" AS TEXT)");
    }
    return raw(")");
  }
  // SQLite's json_extract gives 1/0 for true/false: spelled out as PostgreSQL does.
  std::string path = "$";
  for (const auto& step : node.values)
    path += step.type() == ValueType::integer ? "[" + std::to_string(step.as<std::int64_t>()) + "]"
                                              : ".\"" + step.as<std::string>() + "\"";
  raw("CASE json_type(").expression(node.children.front()).raw(", ").param(path);
  raw(") WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(json_extract(");
  expression(node.children.front()).raw(", ").param(path);
  return raw(") AS TEXT) END");
}

CompiledQuery SqlWriter::finish(bool read_only, bool returns_id) && {
  CompiledQuery query;
  query.sql = std::move(sql_);
  query.params = std::move(params_);
  query.read_only = read_only;
  query.returns_id = returns_id;
  return query;
}

SourcePtr table_source(std::shared_ptr<const TableData> table, std::string alias) {
  auto source = std::make_shared<SourceData>();
  source->table = std::move(table);
  source->alias = std::move(alias);
  return source;
}

void add_source(std::vector<SourcePtr>& sources, const SourcePtr& source) {
  const auto same = [&](const SourcePtr& other) { return other->same_as(*source); };
  if (std::none_of(sources.begin(), sources.end(), same)) sources.push_back(source);
}

void collect_sources(const Expression& expression, std::vector<SourcePtr>& sources) {
  const Node& node = *expression.node();
  if (node.kind == Kind::column) {
    const auto same = [&](const SourcePtr& other) {
      return other->table == node.table && other->alias == node.alias && !other->select;
    };
    if (std::none_of(sources.begin(), sources.end(), same)) sources.push_back(table_source(node.table, node.alias));
  }
  if (node.kind == Kind::source_column) add_source(sources, node.source);
  for (const auto& child : node.children) collect_sources(child, sources);
}

void check_names(const TableData& table, const std::vector<const std::string*>& names) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    table.position(*names[i]);  // throws for an unknown column
    for (std::size_t j = 0; j < i; ++j)
      if (*names[j] == *names[i])
        throw ProgrammingError("column \"" + *names[i] + "\" of table \"" + table.name + "\" is given twice");
  }
}

namespace {

// The first source of `expressions` other than `table` itself, if any.
SourcePtr foreign_source(const TableData& table, const std::vector<Expression>& expressions) {
  std::vector<SourcePtr> sources;
  for (const auto& expression : expressions) collect_sources(expression, sources);
  for (const auto& source : sources)
    if (source->table.get() != &table || !source->alias.empty()) return source;
  return nullptr;
}

}  // namespace

void check_own_columns(const TableData& table, const std::vector<Expression>& expressions, std::string_view statement,
                       std::string_view clause) {
  const auto other = foreign_source(table, expressions);
  if (!other) return;
  throw ProgrammingError(std::string(statement) + " \"" + table.name + "\": the " + std::string(clause) +
                         " uses a column of " + (other->alias.empty() ? "table \"" : "\"") + other->name() +
                         "\"; only the table's own columns can be used");
}

Expression single_table_where(const TableData& table, const std::optional<Expression>& where,
                              const Expression& condition, std::string_view statement) {
  check_own_columns(table, {condition}, statement, "WHERE");
  return where ? and_(*where, condition) : condition;
}

Assignments checked_assignments(const TableData& table, Assignments into, const Assignments& set,
                                std::string_view statement) {
  Assignments checked;
  for (const auto& [name, value] : set) {
    check_own_columns(table, {value}, statement, "SET of \"" + name + "\"");
    const Node& node = *value.node();
    if (node.kind != Kind::literal) {
      checked.emplace_back(name, value);
      continue;
    }
    // A bound value is checked and normalised as values() does it.
    auto normalised = checked_values(table, Values{{name, node.value}});
    checked.emplace_back(name, Expression(std::move(normalised.front().second)));
  }
  return merge_values(table, std::move(into), checked);
}

void write_returning(SqlWriter& sql, const TableData& table, const std::vector<Expression>& columns) {
  sql.raw(" RETURNING ");
  if (!columns.empty()) {
    sql.select_list(columns);
    return;
  }
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (i > 0) sql.raw(", ");
    sql.identifier(table.columns[i].name());
  }
}

Assignments to_assignments(const Values& values) {
  Assignments assignments;
  assignments.reserve(values.size());
  for (const auto& [name, value] : values) assignments.emplace_back(name, Expression(value));
  return assignments;
}

}  // namespace starling::db::detail

// SQL functions, CASE, EXISTS and EXCLUDED: the expressions that are not
// operators on a column.
#include <starling/db/expression.hpp>

#include "query/node.hpp"

#include <algorithm>
#include <cctype>

namespace starling::db {

namespace {

using Kind = detail::Node::Kind;
using detail::make_expression;
using detail::Node;

// A function name goes into the SQL as written, so it may only be an identifier.
bool is_function_name(std::string_view name) {
  const auto word = [](unsigned char c) { return std::isalnum(c) || c == '_'; };
  return !name.empty() && !std::isdigit(static_cast<unsigned char>(name.front())) && std::ranges::all_of(name, word);
}

Expression call(std::string name, std::vector<Expression> arguments, bool distinct = false) {
  Node node;
  node.kind = Kind::function;
  node.name = std::move(name);
  node.children = std::move(arguments);
  node.flag = distinct;
  return make_expression(std::move(node));
}

}  // namespace

Expression func(std::string name, std::vector<Expression> arguments) {
  if (!is_function_name(name))
    throw ProgrammingError("db::func(\"" + name + "\"): a function name is letters, digits and '_'");
  return call(std::move(name), std::move(arguments));
}

Expression count() {
  Node node;
  node.kind = Kind::count_star;
  return make_expression(std::move(node));
}

Expression count(const Expression& expression) { return call("count", {expression}); }
Expression count_distinct(const Expression& expression) { return call("count", {expression}, true); }
Expression sum(const Expression& expression) { return call("sum", {expression}); }
Expression min(const Expression& expression) { return call("min", {expression}); }
Expression max(const Expression& expression) { return call("max", {expression}); }
Expression avg(const Expression& expression) { return call("avg", {expression}); }

Expression case_(std::vector<When> whens, std::optional<Expression> otherwise) {
  if (whens.empty()) throw ProgrammingError("db::case_() needs at least one When");
  Node node;
  node.kind = Kind::case_;
  for (auto& when : whens) {
    node.children.push_back(std::move(when.condition));
    node.children.push_back(std::move(when.result));
  }
  node.flag = otherwise.has_value();
  if (otherwise) node.children.push_back(std::move(*otherwise));
  return make_expression(std::move(node));
}

Expression exists(const Select& subquery) {
  Node node;
  node.kind = Kind::exists;
  node.select = std::make_shared<const Select>(subquery);
  return make_expression(std::move(node));
}

Expression json_text(const Expression& document, std::vector<JsonStep> path) {
  if (path.empty()) throw ProgrammingError("db::json_text() needs a path of at least one key or index");
  Node node;
  node.kind = Kind::json_text;
  node.children = {document};
  for (auto& step : path) {
    if (auto* key = std::get_if<std::string>(&step)) {
      if (key->find('"') != std::string::npos)
        throw ProgrammingError("db::json_text(): a key holding '\"' cannot be written in a SQLite JSON path");
      node.values.emplace_back(std::move(*key));
    } else {
      node.values.emplace_back(std::get<std::int64_t>(step));
    }
  }
  return make_expression(std::move(node));
}

Expression excluded(const ColumnRef& column) {
  Node node;
  node.kind = Kind::excluded;
  node.name = column.name();
  return make_expression(std::move(node));
}

}  // namespace starling::db

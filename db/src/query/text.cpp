#include <starling/db/text.hpp>

#include "query/overlay.hpp"
#include "query/text_parser.hpp"

namespace starling::db {

TextQuery TextQuery::bind(std::string_view name, Value value) const& {
  return TextQuery(*this).bind(name, std::move(value));
}

TextQuery TextQuery::bind(const Values& values) const& { return TextQuery(*this).bind(values); }

TextQuery TextQuery::bind(std::string_view name, Value value) && {
  detail::set_value(values_, name, std::move(value));
  return std::move(*this);
}

TextQuery TextQuery::bind(const Values& values) && {
  for (const auto& [name, value] : values) detail::set_value(values_, name, value);
  return std::move(*this);
}

CompiledQuery TextQuery::compile(Dialect dialect) const {
  return detail::bind_text(*detail::parsed_text(sql_), dialect, values_, sql_);
}

CompiledQuery TextQuery::compile_with(Dialect dialect, const Values& values) const {
  return detail::bind_text(*detail::parsed_text(sql_), dialect, detail::overlay(values_, values), sql_);
}

std::vector<CompiledQuery> TextQuery::compile_many(Dialect dialect, const std::vector<Values>& rows) const {
  const auto parsed = detail::parsed_text(sql_);
  std::vector<CompiledQuery> compiled;
  compiled.reserve(rows.size());
  for (const auto& row : rows)
    compiled.push_back(detail::bind_text(*parsed, dialect, detail::overlay(values_, row), sql_));
  return compiled;
}

}  // namespace starling::db

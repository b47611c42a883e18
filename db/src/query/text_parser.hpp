#pragma once
// Finds the `:name` placeholders of db::text SQL and binds them per dialect.
// Parsing is separate from binding: a statement's SQL is parsed once per thread
// (parsed_text keeps the last few hundred), then only its values are bound.

#include <starling/db/statement.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace starling::db::detail {

struct ParsedText {
  std::vector<std::string> names;  // the placeholders, in order of appearance
  std::string sqlite_sql;          // each placeholder a `?`: one value per placeholder
  std::string postgres_sql;        // `$n` for the n-th distinct name: one value per distinct name
  std::vector<std::string> distinct_names;
  bool read_only = false;  // the first keyword is SELECT or VALUES
  bool returning = false;  // a RETURNING clause (outside literals and comments)
};

ParsedText parse_text(std::string_view sql);
/// parse_text through a per-thread cache: an endpoint's SQL is the same every call.
std::shared_ptr<const ParsedText> parsed_text(const std::string& sql);

// The SQL with `?` / `$n` placeholders and `values` in order (a later entry for a name wins).
// @throws ProgrammingError naming a placeholder with no value or a value no placeholder uses.
CompiledQuery bind_text(const ParsedText& parsed, Dialect dialect, const Values& values, std::string_view sql);

}  // namespace starling::db::detail

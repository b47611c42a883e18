#pragma once
// Finds the `:name` placeholders of db::text SQL and binds them per dialect.
// Parsing is separate from binding so execute_many parses the SQL once.

#include <starling/db/statement.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace starling::db::detail {

struct ParsedText {
  std::vector<std::string> pieces;  // the SQL around the placeholders: names.size() + 1 pieces
  std::vector<std::string> names;   // the placeholders, in order of appearance
  bool read_only = false;           // the first keyword is SELECT or VALUES
};

ParsedText parse_text(std::string_view sql);

// The SQL with `?` / `$n` placeholders and `values` in order (a later entry for a name wins).
// @throws ProgrammingError naming a placeholder with no value or a value no placeholder uses.
CompiledQuery bind_text(const ParsedText& parsed, Dialect dialect, const Values& values, std::string_view sql);

}  // namespace starling::db::detail

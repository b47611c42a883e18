#include <starling/db/statement.hpp>

namespace starling::db {

std::vector<CompiledQuery> Statement::compile_many(Dialect dialect, const std::vector<Values>& rows) const {
  std::vector<CompiledQuery> compiled;
  compiled.reserve(rows.size());
  for (const auto& row : rows) compiled.push_back(compile_with(dialect, row));
  return compiled;
}

CompiledQuery Statement::compile_with(Dialect dialect, const Values&) const {
  // The SQL names the statement for the reader; the values are not shown (they may be secrets).
  throw ProgrammingError("execute_many: this statement takes no per-row values: " + compile(dialect).sql);
}

}  // namespace starling::db

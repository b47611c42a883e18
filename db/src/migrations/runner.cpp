#include "migrations/runner.hpp"

#include <starling/db/ddl.hpp>

#include "migrations/reflect_connection.hpp"

#include <cctype>

namespace starling::db::migrations {

backend::Result Runner::run(const std::string& sql, const std::vector<Value>& params) {
  if (transcript_) *transcript_ += (params.empty() ? sql : inline_parameters(sql, params, dialect_)) + ";\n";
  if (!connection_) return {};
  return connection_->execute(sql, params);
}

backend::Result Runner::read(const std::string& sql, const std::vector<Value>& params) {
  if (!connection_) return {};
  return connection_->execute(sql, params);
}

void Runner::note(const std::string& comment) {
  if (transcript_) *transcript_ += "\n-- " + comment + "\n";
}

TableSchema Runner::table(std::string_view name) {
  if (!connection_)
    throw MigrationError("this operation needs to read table \"" + std::string(name) + "\", which --sql cannot do on " +
                         (dialect_ == Dialect::sqlite ? "SQLite" : "PostgreSQL"));
  auto table = reflect_table(*connection_, dialect_, name);
  if (!table) throw MigrationError("there is no table \"" + std::string(name) + "\"");
  return std::move(*table);
}

std::string inline_parameters(const std::string& sql, const std::vector<Value>& params, Dialect dialect) {
  std::string out;
  std::size_t next = 0;
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote) {
      out += c;
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out += c;
      continue;
    }
    std::size_t index = params.size();
    if (dialect == Dialect::sqlite && c == '?') {
      index = next++;
    } else if (dialect == Dialect::postgresql && c == '$' && i + 1 < sql.size() &&
               std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      std::size_t number = 0;
      while (i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1])))
        number = number * 10 + static_cast<std::size_t>(sql[++i] - '0');
      index = number - 1;
    } else {
      out += c;
      continue;
    }
    if (index >= params.size()) throw ProgrammingError("a placeholder without a value in: " + sql);
    out += sql_literal(params[index], dialect);
  }
  return out;
}

}  // namespace starling::db::migrations

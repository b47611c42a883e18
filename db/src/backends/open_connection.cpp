#include "backends/backend.hpp"
#include "backends/postgres/postgres_connection.hpp"
#include "backends/sqlite/sqlite_connection.hpp"

namespace starling::db::backend {

std::unique_ptr<Connection> open_connection(const DatabaseURL& url) {
  switch (url.dialect()) {
    case Dialect::sqlite: return std::make_unique<SqliteConnection>(url);
    case Dialect::postgresql: return std::make_unique<PostgresConnection>(url);
  }
  throw ConnectionError("no backend for " + url.to_string());
}

std::vector<PipelineOutcome> Connection::run_pipeline(std::span<const PipelineStatement> statements) {
  std::vector<PipelineOutcome> outcomes(statements.size());
  for (std::size_t i = 0; i < statements.size(); ++i) {
    try {
      outcomes[i].result = execute(*statements[i].sql, *statements[i].params);
    } catch (const Error&) {
      outcomes[i].error = std::current_exception();
    }
  }
  return outcomes;
}

}  // namespace starling::db::backend

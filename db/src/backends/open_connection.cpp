#include "backends/backend.hpp"
#include "backends/postgres/postgres_connection.hpp"
#include "backends/sqlite/sqlite_connection.hpp"

namespace starling::db::backend {

std::unique_ptr<Connection> open_connection(const DatabaseURL& url, const ConnectionOptions& options) {
  switch (url.dialect()) {
    case Dialect::sqlite: return std::make_unique<SqliteConnection>(url, options);
    case Dialect::postgresql: return std::make_unique<PostgresConnection>(url, options);
  }
  throw ConnectionError("no backend for " + url.to_string());
}

}  // namespace starling::db::backend

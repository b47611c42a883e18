#include <starling/db/testing.hpp>

#include <starling/db/ddl.hpp>  // quote_identifier: database names cannot be bound

#include "backends/backend.hpp"

#include <filesystem>

namespace starling::db::testing {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<backend::Connection> maintenance_connection(const DatabaseURL& url) {
  return backend::open_connection(url.replace({.database = "postgres"}));
}

bool postgres_exists(backend::Connection& maintenance, const DatabaseURL& url) {
  return !maintenance.execute("SELECT 1 FROM pg_database WHERE datname = $1", {Value(url.database())}).rows.empty();
}

}  // namespace

DatabaseURL test_database_url(const DatabaseURL& url, std::string_view prefix) {
  if (url.is_memory()) return url;
  if (url.dialect() == Dialect::postgresql) return url.replace({.database = std::string(prefix) + url.database()});
  const fs::path path(url.database());
  return url.replace({.database = (path.parent_path() / (std::string(prefix) + path.filename().string())).string()});
}

bool database_exists(const DatabaseURL& url) {
  if (url.dialect() == Dialect::sqlite) return url.is_memory() || fs::exists(url.database());
  auto maintenance = maintenance_connection(url);
  return postgres_exists(*maintenance, url);
}

void create_database(const DatabaseURL& url) {
  if (url.dialect() == Dialect::sqlite) {
    if (url.is_memory()) return;
    if (fs::exists(url.database())) throw ProgrammingError("database " + url.to_string() + " already exists");
    backend::open_connection(url);  // opening creates the file (and writes its header in WAL mode)
    return;
  }
  auto maintenance = maintenance_connection(url);
  if (postgres_exists(*maintenance, url)) throw ProgrammingError("database " + url.to_string() + " already exists");
  maintenance->execute("CREATE DATABASE " + quote_identifier(url.database()) + " ENCODING 'UTF8' TEMPLATE template0",
                       {});
}

void drop_database(const DatabaseURL& url) {
  if (url.dialect() == Dialect::sqlite) {
    if (url.is_memory()) return;
    if (!fs::exists(url.database())) throw ProgrammingError("database " + url.to_string() + " does not exist");
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(url.database() + suffix);
    return;
  }
  auto maintenance = maintenance_connection(url);
  if (!postgres_exists(*maintenance, url)) throw ProgrammingError("database " + url.to_string() + " does not exist");
  maintenance->execute("DROP DATABASE " + quote_identifier(url.database()) + " WITH (FORCE)", {});
}

}  // namespace starling::db::testing

// MetaData::create_all / drop_all: the statements of ddl.hpp, run all or nothing.
#include <starling/db/connection.hpp>
#include <starling/db/ddl.hpp>
#include <starling/db/schema.hpp>
#include <starling/db/text.hpp>

#include "backends/backend.hpp"

namespace starling::db {
namespace {

awaitable<void> run_in_transaction(Queryable& database, std::vector<std::string> statements) {
  const std::function<awaitable<void>(Connection&)> run_all = [&](Connection& tx) -> awaitable<void> {
    for (const auto& sql : statements) {
      const auto statement = text(sql);
      co_await tx.execute(statement);
    }
  };
  co_await database.transaction(run_all);
}

void run_in_transaction(const DatabaseURL& url, const std::vector<std::string>& statements) {
  const auto connection = backend::open_connection(url);
  connection->execute(connection->begin_statement(), {});
  try {
    for (const auto& sql : statements) connection->execute(sql, {});
  } catch (const Error&) {
    connection->execute("ROLLBACK", {});
    throw;
  }
  connection->execute("COMMIT", {});
}

}  // namespace

awaitable<void> MetaData::create_all(Queryable& database) const {
  co_await run_in_transaction(database, create_statements(*this, database.dialect()));
}

awaitable<void> MetaData::drop_all(Queryable& database) const {
  co_await run_in_transaction(database, drop_statements(*this, database.dialect()));
}

void MetaData::create_all(const DatabaseURL& url) const {
  run_in_transaction(url, create_statements(*this, url.dialect()));
}

void MetaData::drop_all(const DatabaseURL& url) const {
  run_in_transaction(url, drop_statements(*this, url.dialect()));
}

}  // namespace starling::db

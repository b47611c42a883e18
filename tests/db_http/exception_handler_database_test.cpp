// An exception handler that is a coroutine and uses the database: it records
// the failure in a table before answering, on every backend.
#include <starling/application.hpp>
#include <starling/db/database.hpp>
#include <starling/db/text.hpp>
#include <starling/testclient.hpp>

#include "support/test_databases.hpp"

#include <gtest/gtest.h>

namespace starling {
namespace {

using db::text;

struct OutOfStock : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class DatabaseExceptionHandler : public test::DatabaseTest {};

TEST_P(DatabaseExceptionHandler, AHandlerRecordsTheFailureThenAnswers) {
  db::Database database(url());
  App app({.routes = {Route(
               "/buy/{item}",
               [](Request& request) -> awaitable<Response> { throw OutOfStock(request.path_params()["item"]); })},
           .exception_handlers = {exception_handler<OutOfStock>(
               [&database](Request&, const OutOfStock& e) -> awaitable<Response> {
                 co_await database.execute(text("INSERT INTO failures (item) VALUES (:item)").bind("item", e.what()));
                 const auto recorded = co_await database.fetch_val(text("SELECT count(*) FROM failures"));
                 co_return JSONResponse({{"detail", std::string(e.what()) + " is out of stock"},
                                         {"recorded", recorded.as<std::int64_t>()}},
                                        409);
               })},
           .on_startup = {[&database]() -> awaitable<void> {
             co_await database.connect();
             co_await database.execute(text("CREATE TABLE failures (item VARCHAR(50) NOT NULL)"));
           }},
           .on_shutdown = {[&database]() -> awaitable<void> { co_await database.disconnect(); }}});
  TestClient client(app);
  EXPECT_EQ(client.get("/buy/tea").json(), json({{"detail", "tea is out of stock"}, {"recorded", 1}}));
  const auto second = client.get("/buy/scones");
  EXPECT_EQ(second.status_code, 409);
  EXPECT_EQ(second.json()["recorded"], 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseExceptionHandler, ::testing::ValuesIn(test::database_backends()));

}  // namespace
}  // namespace starling

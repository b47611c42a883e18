// database_error_handlers: busy, unreachable or retryable databases give 503 with Retry-After, data and
// integrity errors 422 and 409 without the SQL or the URL, and a programming error stays a 500.
#include <starling/db_http.hpp>

#include <starling/db/errors.hpp>
#include <starling/testclient.hpp>

#include <gtest/gtest.h>

namespace starling {
namespace {

// An endpoint that throws what the database layer would, SQL and all.
template <class Error>
Route failing(const std::string& path, std::string message, std::string sql = "") {
  return Route(path, [message, sql](Request&) -> awaitable<Response> {
    throw Error(message, {.sql = sql});
    co_return Response();
  });
}

constexpr const char* kSql = "INSERT INTO users (email, password) VALUES ($1, $2)";

class DatabaseErrors : public ::testing::Test {
 protected:
  App app_{{.routes = {failing<db::PoolTimeout>("/busy", "no database connection became free within 5000 ms"),
                       failing<db::ConnectionError>("/down", "cannot connect to postgresql://app:********@db/notes"),
                       failing<db::OperationalError>("/deadlock", "deadlock detected", kSql),
                       failing<db::DataError>("/data", "value too long for type character varying(5)", kSql),
                       failing<db::UniqueViolation>("/taken", "duplicate key value violates unique constraint", kSql),
                       failing<db::ProgrammingError>("/bug", "syntax error", kSql)},
            .exception_handlers = database_error_handlers(7)}};
  TestClient client_{app_, {.raise_server_exceptions = false}};
};

TEST_F(DatabaseErrors, UnavailableBusyOrRetryableGive503WithRetryAfter) {
  for (const char* path : {"/busy", "/down", "/deadlock"}) {
    const auto answer = client_.get(path);
    EXPECT_EQ(answer.status_code, 503) << path;
    EXPECT_EQ(answer.headers.get("retry-after").value_or(""), "7") << path;
    EXPECT_TRUE(answer.json()["detail"].is_string()) << path;
  }
  EXPECT_NE(client_.get("/busy").json()["detail"].get<std::string>().find("busy"), std::string::npos);
}

TEST_F(DatabaseErrors, DataAndIntegrityErrorsNameTheProblemWithoutTheSql) {
  const auto data = client_.get("/data");
  EXPECT_EQ(data.status_code, 422);
  EXPECT_NE(data.text().find("value too long"), std::string::npos) << data.text();
  const auto taken = client_.get("/taken");
  EXPECT_EQ(taken.status_code, 409);
  EXPECT_NE(taken.text().find("duplicate key"), std::string::npos) << taken.text();
  for (const char* path : {"/busy", "/down", "/deadlock", "/data", "/taken", "/bug"}) {
    const auto body = client_.get(path).text();
    EXPECT_EQ(body.find("INSERT"), std::string::npos) << path << ": " << body;
    EXPECT_EQ(body.find("postgresql://"), std::string::npos) << path << ": " << body;
  }
}

TEST_F(DatabaseErrors, AProgrammingErrorStaysA500) { EXPECT_EQ(client_.get("/bug").status_code, 500); }

}  // namespace
}  // namespace starling

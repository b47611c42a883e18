#include <starling/db_http.hpp>

#include <starling/db/errors.hpp>
#include <starling/logging.hpp>
#include <starling/responses.hpp>

#include <string>

namespace starling {
namespace {

// Backend messages end with " (in SQL: ...)" for the logs; a client never sees it.
std::string without_sql(const std::string& message) { return message.substr(0, message.find(" (in SQL: ")); }

}  // namespace

std::vector<ExceptionHandler> database_error_handlers(int retry_after_seconds) {
  return {
      exception_handler<db::ConnectionError>([retry_after_seconds](Request&, const db::ConnectionError& error) {
        log::warning("database unavailable: " + without_sql(error.what()));
        const bool busy = dynamic_cast<const db::PoolTimeout*>(&error) != nullptr;
        return JSONResponse({{"detail", busy ? "every database connection is busy; try again shortly"
                                             : "the database is unavailable; try again shortly"}},
                            503, {{"Retry-After", std::to_string(retry_after_seconds)}});
      }),
      // Locks, deadlocks, serialization failures, timeouts: worth another try.
      exception_handler<db::OperationalError>([retry_after_seconds](Request&, const db::OperationalError& error) {
        log::warning("database could not complete a request: " + without_sql(error.what()));
        return JSONResponse({{"detail", "the database could not complete the request; try again shortly"}}, 503,
                            {{"Retry-After", std::to_string(retry_after_seconds)}});
      }),
      exception_handler<db::DataError>([](Request&, const db::DataError& error) {
        return JSONResponse({{"detail", "the database cannot store a value: " + without_sql(error.what())}}, 422);
      }),
      exception_handler<db::IntegrityError>([](Request&, const db::IntegrityError& error) {
        return JSONResponse({{"detail", "conflict: " + without_sql(error.what())}}, 409);
      }),
  };
}

}  // namespace starling

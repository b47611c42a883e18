#include <starling/db_http.hpp>

#include <starling/db/errors.hpp>
#include <starling/logging.hpp>
#include <starling/responses.hpp>

#include <string>

namespace starling {

// Each answer shows the error's message() at most: what() adds the SQL, for the logs.
std::vector<ExceptionHandler> database_error_handlers(int retry_after_seconds) {
  const Headers retry = {{"Retry-After", std::to_string(retry_after_seconds)}};
  return {
      // Before ConnectionError, which it is: the first declared match wins.
      exception_handler<db::PoolTimeout>([retry](Request&, const db::PoolTimeout& error) {
        log::warning("database busy: " + error.message());
        return JSONResponse({{"detail", "every database connection is busy; try again shortly"}}, 503, retry);
      }),
      exception_handler<db::ConnectionError>([retry](Request&, const db::ConnectionError& error) {
        log::warning("database unavailable: " + error.message());
        return JSONResponse({{"detail", "the database is unavailable; try again shortly"}}, 503, retry);
      }),
      // Locks, deadlocks, serialization failures, timeouts: worth another try.
      exception_handler<db::OperationalError>([retry](Request&, const db::OperationalError& error) {
        log::warning("database could not complete a request: " + error.message());
        return JSONResponse({{"detail", "the database could not complete the request; try again shortly"}}, 503, retry);
      }),
      exception_handler<db::DataError>([](Request&, const db::DataError& error) {
        return JSONResponse({{"detail", "the database cannot store a value: " + error.message()}}, 422);
      }),
      exception_handler<db::IntegrityError>([](Request&, const db::IntegrityError& error) {
        return JSONResponse({{"detail", "conflict: " + error.message()}}, 409);
      }),
  };
}

}  // namespace starling

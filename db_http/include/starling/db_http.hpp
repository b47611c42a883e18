#pragma once
/// @file db_http.hpp
/// Database errors as HTTP answers, for an App that uses starling::db:
///
///     App app({.routes = ..., .exception_handlers = starling::database_error_handlers()});
///
/// - db::ConnectionError (a database that is down, PoolTimeout: every connection
///   busy) → 503 with `Retry-After`: the client may try again; the pool heals.
/// - db::OperationalError (locks, deadlocks, serialization failures, timeouts,
///   a COMMIT that rolled back) → 503 with `Retry-After`.
/// - db::DataError (a value the database cannot store) → 422.
/// - db::IntegrityError (unique, foreign key, not null) → 409.
/// Bodies are `{"detail": ...}` naming the problem; never the SQL, never the
/// URL's password. Anything else (ProgrammingError: a bug) stays a 500.

#include <starling/application.hpp>

#include <vector>

namespace starling {

/// The handlers above; `retry_after_seconds` goes in the 503's Retry-After.
std::vector<ExceptionHandler> database_error_handlers(int retry_after_seconds = 1);

}  // namespace starling

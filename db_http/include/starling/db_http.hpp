#pragma once
/// @file db_http.hpp
/// Where the framework meets starling::db: database errors as HTTP answers,
/// and the pool's metrics. The errors, for an App that uses starling::db:
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
#include <starling/metrics.hpp>

#include <string>
#include <vector>

namespace starling::db {
class Database;
}

namespace starling {

/// The handlers above; `retry_after_seconds` goes in the 503's Retry-After.
std::vector<ExceptionHandler> database_error_handlers(int retry_after_seconds = 1);

/// The pool of `database`, read at each scrape, labelled `database="<name>"`
/// (a name, not the URL, which may hold a password):
/// - `starling_db_pool_connections{state="in_use"|"idle"}`: open connections
/// - `starling_db_pool_max_connections`, `starling_db_pool_waiting` (callers
///   queued for a connection)
/// - `starling_db_pool_timeouts_total`: callers that got PoolTimeout
///
///     metrics.add_collector(starling::pool_metrics(database));
///
/// `database` must outlive the Metrics.
MetricsCollector pool_metrics(const db::Database& database, std::string name = "default");

}  // namespace starling

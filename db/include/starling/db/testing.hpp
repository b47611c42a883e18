#pragma once
/// @file testing.hpp
/// Test-database helpers (sqlalchemy_utils' job in the reference's conftest.py):
///
///     const auto url = db::testing::test_database_url(DATABASE_URL);  // "test_" + name
///     if (db::testing::database_exists(url)) throw ...;   // never reuse a real database
///     db::testing::create_database(url);
///     ...
///     db::testing::drop_database(url);
///
/// Synchronous: for test set-up and tear-down, not for an event loop. PostgreSQL
/// goes through the server's `postgres` maintenance database; SQLite through the file.

#include <starling/db/url.hpp>

namespace starling::db::testing {

/// The reference's `DATABASE_URL.replace(database='test_' + DATABASE_URL.database)`,
/// made right for SQLite paths too: `sqlite:////srv/notes.db` gives
/// `sqlite:////srv/test_notes.db` (the prefix goes on the file name, not the path);
/// PostgreSQL `.../notes` gives `.../test_notes`; `:memory:` stays as it is.
DatabaseURL test_database_url(const DatabaseURL& url, std::string_view prefix = "test_");

/// Whether the database exists (a SQLite file on disk; `:memory:` always does).
/// @throws ConnectionError when the server cannot be reached.
bool database_exists(const DatabaseURL& url);

/// Creates an empty database. @throws ProgrammingError naming it if it exists already.
/// `:memory:` is the exception, as in sqlalchemy_utils: it lives and dies with the
/// Database using it, so creating and dropping it do nothing (one test fixture serves every backend).
void create_database(const DatabaseURL& url);

/// Drops the database (its SQLite file, with WAL and shared-memory files). On
/// PostgreSQL, other connections to it are closed first.
/// @throws ProgrammingError naming it if it does not exist.
void drop_database(const DatabaseURL& url);

}  // namespace starling::db::testing

#pragma once
// The reference's conftest.py for the notes app, as a GoogleTest global
// environment: TESTING is set through `environ` before the app reads its
// config; the test database ("test_" + the name) must not exist, is created,
// migrated to the head revision, and is dropped at the end. Each test then opens
// `TestClient client(notes_app())`: force_rollback gives it an empty table.
//
// NOTES_TEST_BACKEND picks the database (sqlite, or postgresql on the server
// STARLING_TEST_POSTGRES_URL names); ctest runs the suite once for each.

#include "app.hpp"

#include <starling/db/url.hpp>

namespace notes::test {

/// The app under test, built once the environment is set up.
NotesApp& notes_app();
/// Settings as the app read them (TESTING on).
const Settings& test_settings();
/// Whether the suite runs on PostgreSQL.
bool on_postgres();

}  // namespace notes::test

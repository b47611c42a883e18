#include "runtime/transaction_levels.hpp"

#include <starling/db/errors.hpp>

#include <string>

namespace starling::db::runtime {

namespace {

std::string savepoint(int level) { return "starling_savepoint_" + std::to_string(level); }

}  // namespace

const char* const kEndedByTheDatabase =
    "the transaction is no longer open: the database ended it after an error in it (SQLite rolls all of it back "
    "after an interrupted write, a full disk or an I/O error), or a raw COMMIT or ROLLBACK did; run it again";

void begin_level(PooledConnection& connection, const std::string& begin) {
  const int level = connection.depth + 1;
  if (level > 1)
    connection.backend->execute("SAVEPOINT " + savepoint(level), {});
  else
    connection.backend->execute(begin.empty() ? connection.backend->begin_statement() : begin, {});
  connection.depth = level;
}

namespace {

// A read-only SQLite transaction's PRAGMA outlives it unless cleared; a
// connection that cannot clear it would refuse every later write: dropped.
void end_query_only(PooledConnection& connection) {
  if (!connection.query_only || connection.depth != 0) return;
  connection.query_only = false;
  try {
    connection.backend->execute("PRAGMA query_only = 0", {});
  } catch (const std::exception&) {
    connection.broken = true;
  }
}

}  // namespace

void commit_level(PooledConnection& connection) {
  const int level = connection.depth;
  if (!connection.backend->in_transaction()) {
    rollback_level(connection);  // the bookkeeping only: the database ended it already
    throw OperationalError(kEndedByTheDatabase);
  }
  try {
    connection.backend->execute(level == 1 ? "COMMIT" : "RELEASE SAVEPOINT " + savepoint(level), {});
    connection.depth = level - 1;
    end_query_only(connection);
  } catch (const Error&) {
    // A failed COMMIT can leave the transaction open (SQLite when busy): end it.
    try {
      rollback_level(connection);
    } catch (const Error&) {
      connection.broken = true;
    }
    throw;
  }
}

void rollback_level(PooledConnection& connection) {
  if (connection.depth == 0) return;  // ended by the database (below): nothing left to undo
  if (!connection.backend->in_transaction()) {
    // SQLite ends the whole transaction by itself after some errors (an
    // interrupted write, a full disk, an I/O error): every level is gone, and
    // a ROLLBACK would fail. A force_rollback base gone with it cannot come back.
    // (A PostgreSQL connection says the same once it broke: never reused.)
    connection.depth = 0;
    if (connection.base_depth > 0 || !connection.backend->is_alive()) connection.broken = true;
    end_query_only(connection);
    return;
  }
  const int level = connection.depth;
  connection.depth = level - 1;
  try {
    if (level == 1) {
      connection.backend->execute("ROLLBACK", {});
    } else {
      connection.backend->execute("ROLLBACK TO SAVEPOINT " + savepoint(level), {});
      connection.backend->execute("RELEASE SAVEPOINT " + savepoint(level), {});
    }
    end_query_only(connection);
  } catch (const Error&) {
    // The server may still hold the transaction open: never hand this connection out again.
    connection.broken = true;
    throw;
  }
}

void roll_back_to_base(PooledConnection& connection) {
  while (connection.depth > connection.base_depth) rollback_level(connection);
  if (connection.base_depth == 0 && connection.backend->in_transaction()) {
    connection.depth = 1;  // what a raw BEGIN opened
    rollback_level(connection);
  }
}

bool leaves_transaction_open(const PooledConnection& connection) {
  return connection.depth != connection.base_depth ||
         (connection.base_depth == 0 && connection.backend && connection.backend->in_transaction());
}

void run_contained(PooledConnection& connection, const std::function<void()>& statement) {
  begin_level(connection);
  try {
    statement();
  } catch (const Error&) {
    rollback_level(connection);  // marks the connection broken if even that fails
    throw;
  }
  commit_level(connection);
}

// The next caller would run inside it: rolled back, and the caller told.
void end_stray_transaction(PooledConnection& connection, std::exception_ptr& error) {
  if (!leaves_transaction_open(connection)) return;
  try {
    roll_back_to_base(connection);
  } catch (const Error&) {
    if (!error) error = std::current_exception();
    return;
  }
  if (!error)
    error = std::make_exception_ptr(ProgrammingError(
        "a statement run through the Database left a transaction open (a raw BEGIN?); it was rolled back, as the "
        "connection goes back to the pool: use database.transaction(), database.begin() or a held "
        "database.connection()"));
}

}  // namespace starling::db::runtime

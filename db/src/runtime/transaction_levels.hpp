#pragma once
// Transaction levels on a pooled connection, run on a driver thread: level 1
// is BEGIN/COMMIT/ROLLBACK, deeper levels are savepoints. Each @throws a
// db::Error when the database does.

#include "runtime/pooled_connection.hpp"

#include <exception>
#include <functional>
#include <string>

namespace starling::db::runtime {

/// What a statement or a commit in a transaction the database ended by itself is told.
extern const char* const kEndedByTheDatabase;

/// `begin`: the statement that opens a transaction at level 1 ("" = the backend's own).
void begin_level(PooledConnection& connection, const std::string& begin = {});
void commit_level(PooledConnection& connection);
/// Marks the connection broken when even the rollback fails.
void rollback_level(PooledConnection& connection);
/// Rolls back every level above the base (what a released lease left open),
/// and a transaction opened by hand (a raw BEGIN) on a connection without a base.
void roll_back_to_base(PooledConnection& connection);
/// Whether the connection would go back to the pool inside a transaction.
bool leaves_transaction_open(const PooledConnection& connection);
/// Work run through the pool (not on a lent connection) that left a
/// transaction open, as a raw BEGIN does: rolled back, and `error` set to say
/// so (unless the work failed anyway).
void end_stray_transaction(PooledConnection& connection, std::exception_ptr& error);
/// Runs one statement inside a savepoint of its own, so that its failure undoes only itself.
void run_contained(PooledConnection& connection, const std::function<void()>& statement);
/// Runs one statement; with `contain_statements` at the base depth, contained
/// (see run_contained). @throws what it throws.
template <class Statement>
void run_statement(PooledConnection& connection, const Statement& statement) {
  if (!connection.contain_statements || connection.depth != connection.base_depth) return statement();
  run_contained(connection, statement);
}

}  // namespace starling::db::runtime

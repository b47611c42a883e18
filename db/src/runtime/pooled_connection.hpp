#pragma once
// A backend connection as the pool holds it, and what the runtime knows of its state.

#include "backends/backend.hpp"

#include <memory>

namespace starling::db::runtime {

struct PooledConnection {
  std::unique_ptr<backend::Connection> backend;
  int depth = 0;            ///< open transaction levels (1 = a transaction, 2+ = savepoints)
  int base_depth = 0;       ///< levels that outlive a lease (force_rollback's transaction)
  bool from_idle = false;   ///< came from the idle list: check it still answers before use
  bool broken = false;      ///< failed in a way that makes it unusable: dropped, not reused
  int abandoned_level = 0;  ///< a transaction dropped while active: roll back to below it before the next query
  /// PostgreSQL under force_rollback: a failed statement would abort the base
  /// transaction and every query after it, so each runs in a savepoint of its own.
  bool contain_statements = false;
  /// SQLite: a read-only transaction set `PRAGMA query_only`, cleared when it ends.
  bool query_only = false;
};

}  // namespace starling::db::runtime

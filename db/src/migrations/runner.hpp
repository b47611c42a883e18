#pragma once
// Where a revision's operations go: a live connection, a transcript of the
// SQL (offline, `upgrade --sql`), or both (SQLite offline runs on a scratch
// memory database, so a rebuild can read the table it copies).

#include <starling/db/migrations.hpp>
#include <starling/db/reflection.hpp>

#include "backends/backend.hpp"

#include <optional>
#include <string>
#include <vector>

namespace starling::db::migrations {

class Runner {
 public:
  /// `connection` null: offline without a database (PostgreSQL's --sql);
  /// `transcript` non-null: every statement is written to it as well.
  Runner(backend::Connection* connection, Dialect dialect, std::string* transcript)
      : connection_(connection), dialect_(dialect), transcript_(transcript) {}

  Dialect dialect() const { return dialect_; }
  /// Whether there is a database to run on (not PostgreSQL's offline --sql).
  bool online() const { return connection_ != nullptr; }
  Operations operations() { return Operations(*this); }

  /// Runs a statement (and records it, with the parameters written in as literals).
  backend::Result run(const std::string& sql, const std::vector<Value>& params = {});
  /// Runs a statement that only reads, never recorded (offline without a
  /// database, an empty result).
  backend::Result read(const std::string& sql, const std::vector<Value>& params = {});
  /// Writes a comment line to the transcript, if any.
  void note(const std::string& comment);
  /// The table as the database has it now. @throws MigrationError naming the
  /// table when there is none, or when there is no database to ask.
  TableSchema table(std::string_view name);

 private:
  backend::Connection* connection_;
  Dialect dialect_;
  std::string* transcript_;
};

/// `sql` with each placeholder (`?`, `$n`) replaced by its parameter as an SQL
/// literal: for the transcript only. Placeholders inside quotes are left alone.
std::string inline_parameters(const std::string& sql, const std::vector<Value>& params, Dialect dialect);

}  // namespace starling::db::migrations

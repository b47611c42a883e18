#pragma once
/// @file migrations_cli.hpp
/// The `db` command of an app's command line (Alembic's commands), added to a
/// CLI11 app in one call:
///
///     CLI::App cli{"notes"};
///     db::add_migrations_command(cli, {.database_url = [&] { return settings.database_url; },
///                                      .migrations = notes::migrations(), .metadata = &notes::metadata});
///
/// gives `notes db upgrade [head|heads|REV|+N] [--sql]`, `downgrade REV|-N|base`,
/// `current`, `history`, `heads`, `stamp REV`, `check`, and
/// `revision -m MSG [--autogenerate] [--merge]`. A command that fails prints
/// why on stderr and exits 1 (`check` exits 1 when the schema differs).

#include <starling/db/migrations.hpp>

#include <functional>
#include <ostream>

namespace CLI {
class App;
}  // namespace CLI

namespace starling::db {

class MetaData;

/// What the `db` command works on.
struct MigrationsCommandSetup {
  /// The database to migrate, read when a command runs (the app's Config:
  /// DATABASE_URL from the environment or .env, as Alembic's env.py).
  std::function<DatabaseURL()> database_url;
  /// The app's revisions (`starling_add_migrations` in CMake makes the function).
  const Migrations* migrations = nullptr;
  /// The app's tables: what `revision --autogenerate` and `check` compare against.
  const MetaData* metadata = nullptr;
  MigrationOptions options;
  /// Where the commands write (tests read it).
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
};

/// Adds `db` and its subcommands to `cli`; returns the `db` subcommand.
/// The commands run as CLI11 parses (CLI11_PARSE), ending with a
/// CLI::RuntimeError whose exit code is 1 on failure.
/// @throws MigrationError if `migrations` is null.
CLI::App* add_migrations_command(CLI::App& cli, MigrationsCommandSetup setup);

/// `0003_add_due_date` style id for a new revision: the next number after
/// the `existing` revisions' count, and the message in lower case with `_`.
std::string new_revision_id(const Migrations& existing, std::string_view message);

}  // namespace starling::db

#pragma once
// What the `db` subcommands share: the app's setup, where to write, and the
// one way a command fails (its message on stderr, exit status 1).

#include <starling/db/migrations_cli.hpp>

#include <functional>
#include <iostream>
#include <memory>
#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace starling::db::cli {

struct Context {
  MigrationsCommandSetup setup;
  std::ostream& out() const { return setup.out ? *setup.out : std::cout; }
  std::ostream& err() const { return setup.err ? *setup.err : std::cerr; }
  const Migrations& migrations() const { return *setup.migrations; }
  DatabaseURL url() const { return setup.database_url(); }
};
using ContextPtr = std::shared_ptr<Context>;

/// Runs `command`; an exception becomes its message on err() and exit status 1.
void run_command(const ContextPtr& context, const std::function<void()>& command);
/// @throws MigrationError saying that `command` needs the app's tables.
void require_metadata(const Context& context, std::string_view command);
/// @throws MigrationError saying to upgrade first, as Alembic's "not up to date".
void require_at_head(const Context& context);
/// "a, b", or "base (nothing applied)".
std::string listed(const std::vector<std::string>& ids);

void add_revision_command(CLI::App& db, const ContextPtr& context);
void add_history_command(CLI::App& db, const ContextPtr& context);

}  // namespace starling::db::cli

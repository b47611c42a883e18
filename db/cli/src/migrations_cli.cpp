#include <starling/db/migrations_cli.hpp>

#include <starling/db/autogenerate.hpp>

#include "cli_context.hpp"

#include <CLI/CLI.hpp>

#include <memory>

namespace starling::db {
namespace {

using cli::ContextPtr;
using cli::listed;
using cli::run_command;

MigrationOptions options_telling(const ContextPtr& context) {
  auto options = context->setup.options;
  if (!options.on_step) options.on_step = [context](std::string_view step) { context->out() << step << "\n"; };
  return options;
}

void add_upgrade(CLI::App& db, const ContextPtr& context) {
  auto* command = db.add_subcommand("upgrade", "Apply the revisions up to TARGET (head, heads, a revision, +N)");
  auto target = std::make_shared<std::string>("head");
  auto offline = std::make_shared<bool>(false);
  command->add_option("target", *target, "Where to go")->capture_default_str();
  command->add_flag("--sql", *offline, "Print the SQL from base to TARGET for the database's dialect; touch nothing");
  command->callback([=] {
    run_command(context, [&] {
      const auto url = context->url();
      if (*offline) {
        context->out() << upgrade_sql(url.dialect(), context->migrations(), *target, context->setup.options);
        return;
      }
      upgrade(url, context->migrations(), *target, options_telling(context));
      context->out() << "at " << listed(current(url, context->migrations(), context->setup.options)) << "\n";
    });
  });
}

void add_downgrade(CLI::App& db, const ContextPtr& context) {
  auto* command = db.add_subcommand("downgrade", "Revert revisions down to TARGET (a revision, -N, base)");
  auto target = std::make_shared<std::string>();
  command->add_option("target", *target, "Where to go")->required();
  command->callback([=] {
    run_command(context, [&] {
      const auto url = context->url();
      downgrade(url, context->migrations(), *target, options_telling(context));
      context->out() << "at " << listed(current(url, context->migrations(), context->setup.options)) << "\n";
    });
  });
}

void add_stamp(CLI::App& db, const ContextPtr& context) {
  auto* command = db.add_subcommand("stamp", "Record TARGET as the database's revision without running anything");
  auto target = std::make_shared<std::string>();
  command->add_option("target", *target, "A revision, head, heads or base")->required();
  command->callback([=] {
    run_command(context, [&] {
      stamp(context->url(), context->migrations(), *target, context->setup.options);
      context->out() << "stamped " << *target << "\n";
    });
  });
}

void add_queries(CLI::App& db, const ContextPtr& context) {
  db.add_subcommand("current", "The revision(s) the database is at")->callback([=] {
    run_command(context, [&] {
      const auto url = context->url();
      context->out() << url.to_string() << ": " << listed(current(url, context->migrations(), context->setup.options))
                     << "\n";
    });
  });
  db.add_subcommand("heads", "The newest revision of each branch")->callback([=] {
    run_command(context, [&] {
      for (const auto& head : context->migrations().heads()) context->out() << head << " (head)\n";
    });
  });
}

void add_check(CLI::App& db, const ContextPtr& context) {
  db.add_subcommand("check", "Exit 1 and list the differences if the tables and the migrated schema disagree")
      ->callback([=] {
        run_command(context, [&] {
          const auto url = context->url();
          cli::require_metadata(*context, "check");
          cli::require_at_head(*context);
          const auto differences =
              compare_metadata(url, *context->setup.metadata, context->setup.options.version_table);
          if (differences.empty()) {
            context->out() << "no differences: the migrations match the tables\n";
            return;
          }
          context->out() << differences.size() << " difference(s) between the tables and the migrated schema:\n";
          for (const auto& difference : differences) context->out() << "  " << difference.description << "\n";
          throw CLI::RuntimeError(1);
        });
      });
}

}  // namespace

CLI::App* add_migrations_command(CLI::App& cli, MigrationsCommandSetup setup) {
  if (!setup.migrations) throw MigrationError("add_migrations_command needs the app's migrations");
  if (!setup.database_url) throw MigrationError("add_migrations_command needs a database_url");
  auto context = std::make_shared<cli::Context>(cli::Context{std::move(setup)});
  auto* db = cli.add_subcommand("db", "Migrate the database (upgrade, downgrade, current, history, check, ...)");
  db->require_subcommand(1);
  add_upgrade(*db, context);
  add_downgrade(*db, context);
  add_stamp(*db, context);
  add_queries(*db, context);
  add_check(*db, context);
  cli::add_history_command(*db, context);
  cli::add_revision_command(*db, context);
  return db;
}

}  // namespace starling::db

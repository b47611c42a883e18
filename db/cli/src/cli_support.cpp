#include "cli_context.hpp"

#include <CLI/CLI.hpp>

namespace starling::db::cli {

void run_command(const ContextPtr& context, const std::function<void()>& command) {
  try {
    command();
  } catch (const CLI::Error&) {
    throw;
  } catch (const std::exception& error) {
    context->err() << "db: " << error.what() << "\n";
    throw CLI::RuntimeError(1);
  }
}

void require_metadata(const Context& context, std::string_view command) {
  if (!context.setup.metadata)
    throw MigrationError("`db " + std::string(command) + "` needs the app's MetaData (MigrationsCommandSetup::metadata)");
}

void require_at_head(const Context& context) {
  const auto url = context.url();
  if (is_at_head(url, context.migrations(), context.setup.options)) return;
  throw MigrationError("the database " + url.to_string() + " is at " +
                       listed(current(url, context.migrations(), context.setup.options)) +
                       ", not at the head: run `db upgrade head` first");
}

std::string listed(const std::vector<std::string>& ids) {
  std::string text;
  for (const auto& id : ids) text += (text.empty() ? "" : ", ") + id;
  return text.empty() ? "base (nothing applied)" : text;
}

void add_history_command(CLI::App& db, const ContextPtr& context) {
  db.add_subcommand("history", "Every revision, newest first")->callback([=] {
    run_command(context, [&] {
      const auto heads = context->migrations().heads();
      const auto& ordered = context->migrations().ordered();
      for (auto it = ordered.rbegin(); it != ordered.rend(); ++it) {
        const auto& revision = **it;
        std::string parents = listed(revision.parents);
        if (revision.parents.empty()) parents = "<base>";
        const bool head = std::find(heads.begin(), heads.end(), revision.id) != heads.end();
        context->out() << parents << " -> " << revision.id << (head ? " (head)" : "")
                       << (revision.parents.size() > 1 ? " (merge)" : "") << ", " << revision.message << "\n";
      }
    });
  });
}

}  // namespace starling::db::cli

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
    throw MigrationError("`db " + std::string(command) +
                         "` needs the app's MetaData (MigrationsCommandSetup::metadata)");
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

}  // namespace starling::db::cli

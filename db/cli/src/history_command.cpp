// `db history`: every revision, newest first, as Alembic prints it.
#include "cli_context.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>

namespace starling::db::cli {

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

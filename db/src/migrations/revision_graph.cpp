// Migrations: the revision graph, checked whole when it is built.
#include <starling/db/migrations.hpp>

#include <algorithm>
#include <set>

namespace starling::db {
namespace {

std::string quoted(std::string_view id) { return "\"" + std::string(id) + "\""; }

void check_ids(const std::vector<const Revision*>& revisions) {
  std::set<std::string_view> seen;
  for (const auto* revision : revisions) {
    if (revision->id.empty())
      throw MigrationError("a revision has an empty id (message: \"" + revision->message + "\")");
    if (!seen.insert(revision->id).second) throw MigrationError("two revisions have the id " + quoted(revision->id));
    // The commands' own words: a revision named so could not be asked for.
    const auto& id = revision->id;
    if (id == "head" || id == "heads" || id == "base" || id.front() == '+' || id.front() == '-')
      throw MigrationError("a revision cannot be called " + quoted(id) +
                           ": head, heads, base, +N and -N are targets of the commands");
  }
  for (const auto* revision : revisions)
    for (const auto& parent : revision->parents)
      if (!seen.contains(parent))
        throw MigrationError("revision " + quoted(revision->id) + " comes after " + quoted(parent) +
                             ", which is not among the app's revisions");
}

// Parents first, definition order otherwise; whatever cannot be placed is a cycle.
std::vector<const Revision*> topological(const std::vector<const Revision*>& revisions) {
  std::vector<const Revision*> ordered;
  std::set<std::string_view> placed;
  while (ordered.size() < revisions.size()) {
    bool progressed = false;
    for (const auto* revision : revisions) {
      if (placed.contains(revision->id)) continue;
      const auto& parents = revision->parents;
      if (!std::all_of(parents.begin(), parents.end(), [&](const auto& p) { return placed.contains(p); })) continue;
      ordered.push_back(revision);
      placed.insert(revision->id);
      progressed = true;
    }
    if (!progressed) {
      std::string cycle;
      for (const auto* revision : revisions)
        if (!placed.contains(revision->id)) cycle += (cycle.empty() ? "" : ", ") + quoted(revision->id);
      throw MigrationError("revisions " + cycle + " form a cycle: each comes after another of them");
    }
  }
  return ordered;
}

}  // namespace

Migrations::Migrations(std::vector<const Revision*> revisions, std::string directory)
    : directory_(std::move(directory)) {
  revisions.erase(std::remove(revisions.begin(), revisions.end(), nullptr), revisions.end());
  check_ids(revisions);
  ordered_ = topological(revisions);
}

std::vector<std::string> Migrations::heads() const {
  std::set<std::string_view> parents;
  for (const auto* revision : ordered_) parents.insert(revision->parents.begin(), revision->parents.end());
  std::vector<std::string> heads;
  for (const auto* revision : ordered_)
    if (!parents.contains(revision->id)) heads.push_back(revision->id);
  return heads;
}

bool Migrations::contains(std::string_view id) const {
  return std::any_of(ordered_.begin(), ordered_.end(), [&](const Revision* r) { return r->id == id; });
}

const Revision& Migrations::get(std::string_view id) const {
  for (const auto* revision : ordered_)
    if (revision->id == id) return *revision;
  throw MigrationError("no revision " + quoted(id) + " among the app's revisions");
}

std::vector<std::string> Migrations::ancestry(std::string_view id) const {
  std::set<std::string> found{std::string(id)};
  std::vector<std::string> pending{std::string(id)};
  while (!pending.empty()) {
    const auto& revision = get(pending.back());
    pending.pop_back();
    for (const auto& parent : revision.parents)
      if (found.insert(parent).second) pending.push_back(parent);
  }
  std::vector<std::string> in_order;
  for (const auto* revision : ordered_)
    if (found.contains(revision->id)) in_order.push_back(revision->id);
  return in_order;
}

}  // namespace starling::db

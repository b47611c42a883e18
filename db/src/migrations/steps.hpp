#pragma once
// The loop every command runs: one revision per transaction, each planned
// from the version table as it is inside that transaction, so a second
// process that waited for the first finds the work done.

#include "migrations/runner.hpp"

#include <functional>
#include <optional>
#include <set>
#include <string>

namespace starling::db::migrations {

/// The revisions applied: those the version table records and all they come after.
using Applied = std::set<std::string>;

/// One revision to apply (up) or revert.
struct Step {
  const Revision* revision;
  bool up;
};

/// The next step toward the command's target, given what is applied; none when there.
using Planner = std::function<std::optional<Step>(const Applied&)>;

/// Where the version table lives and how to read and write it.
class VersionTable {
 public:
  VersionTable(Runner& runner, const Migrations& migrations, std::string name)
      : runner_(runner), migrations_(migrations), name_(std::move(name)) {}
  /// The recorded heads (none when there is no version table yet). @throws MigrationError naming one the app does not
  /// know.
  std::vector<std::string> heads();
  /// The applied set the recorded heads stand for.
  Applied applied();
  /// Records the heads of `applied`.
  void record(const Applied& applied);

 private:
  Runner& runner_;
  const Migrations& migrations_;
  std::string name_;
};

/// CREATE TABLE IF NOT EXISTS for the version table `name`.
void create_version_table(Runner& runner, const std::string& name);

/// The revisions of `applied` that no other applied revision comes after.
std::vector<std::string> heads_of(const Migrations& migrations, const Applied& applied);

/// Runs steps until `plan` has none. Online, each in its own transaction; offline
/// (`offline_start` given: the applied set to start from), each written out.
/// @throws MigrationError naming the revision whose step failed, and why.
void run_steps(Runner& runner, const Migrations& migrations, const MigrationOptions& options, const Planner& plan,
               const std::optional<Applied>& offline_start = std::nullopt);

/// Records `applied` in its own transaction, running nothing (`stamp`).
void record_only(Runner& runner, const Migrations& migrations, const MigrationOptions& options, const Applied& applied);

}  // namespace starling::db::migrations

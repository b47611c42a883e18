#pragma once
/// @file autogenerate.hpp
/// Autogenerate, as Alembic's: compare what the database holds with what a
/// MetaData declares, and write the differences as a revision file whose
/// upgrade and downgrade call `op` (see migrations.hpp).
///
///     const auto differences = db::compare_metadata(url, metadata);   // `db check`
///     for (const auto& d : differences) std::cout << d.description << "\n";
///     write(path, db::render_revision_file({.id = "0002", .parents = {"0001"}, .message = "m"}, differences));
///
/// Compared: tables, columns, column types, nullability and server defaults,
/// primary keys (reported, never altered), indexes, unique constraints and
/// foreign keys. Renames are never guessed: a removed and an added column are
/// a drop and an add, with a comment saying how to keep the data instead.

#include <starling/db/reflection.hpp>
#include <starling/db/url.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace starling::db {

/// One difference between the database and the MetaData.
struct SchemaDifference {
  /// For people (`db check`): `add column "notes"."created_at"`.
  std::string description;
  /// C++ statements calling `op.` that make the database match the MetaData,
  /// one or more lines (comments included where a person should decide).
  std::string upgrade;
  /// The statements that undo `upgrade`.
  std::string downgrade;
};

/// What it takes to go from `live` (a reflected database) to `declared` (a
/// MetaData's schema_of), for `dialect`. Upgrades are listed in the order they
/// run: new tables (each after those it references), then changes to existing
/// tables, then dropped tables (dependants first); downgrades run in reverse.
std::vector<SchemaDifference> compare_schemas(const SchemaSnapshot& live, const SchemaSnapshot& declared,
                                              Dialect dialect);

/// compare_schemas of the database at `url` (its `version_table` left out)
/// and `metadata`. Empty when the database is what `metadata` creates.
/// @throws ConnectionError, or a db::Error from the database.
std::vector<SchemaDifference> compare_metadata(const DatabaseURL& url, const MetaData& metadata,
                                               std::string_view version_table = "starling_version");

/// The header of a new revision.
struct RevisionFile {
  std::string id;
  std::vector<std::string> parents;
  std::string message;
};

/// A complete revision source file: `#include <starling/db/migrations.hpp>` and
/// one `extern const db::Revision` named revision_variable(id), whose upgrade
/// runs each difference's upgrade in order and whose downgrade runs their
/// downgrades in reverse. Compiles warning-free even with no differences.
std::string render_revision_file(const RevisionFile& revision, const std::vector<SchemaDifference>& differences);

/// The variable a revision file defines: "r" + `id` with every character
/// outside [A-Za-z0-9_] replaced by '_' ("0002-x" → "r0002_x"). The CMake
/// registry (starling_add_migrations) follows the same rule.
std::string revision_variable(std::string_view id);

}  // namespace starling::db

#pragma once
/// @file migrations.hpp
/// Migrations, as Alembic: revisions that change the schema step by step, a
/// version table that records where a database is, and the commands that move
/// it. A revision is data the app compiles in, one file each:
///
///     extern const db::Revision r0002_created_at{
///         .id = "0002_created_at", .parents = {"0001_notes"}, .message = "notes.created_at",
///         .upgrade = [](db::Operations& op) {
///           op.add_column("notes", db::Column("created_at", db::DateTime, db::server_default_now));
///         },
///         .downgrade = [](db::Operations& op) { op.drop_column("notes", "created_at"); }};
///
/// `starling_add_migrations()` (CMake) collects a folder of them into a
/// `db::Migrations`; db::upgrade(url, migrations, "head") applies what is missing.

#include <starling/db/column.hpp>
#include <starling/db/statement.hpp>
#include <starling/db/url.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace starling::db {

class Table;

namespace migrations {
class Runner;
}  // namespace migrations

/// A migration that cannot run as asked: an unknown or ambiguous revision, a
/// broken revision graph, or a revision whose step failed (named, with the
/// database's message). The database is left as it was before that step.
class MigrationError : public Error {
 public:
  using Error::Error;
};

/// ON DELETE / ON UPDATE of a foreign key created by a migration ("" = NO ACTION).
struct ForeignKeyActions {
  std::string on_delete{};  // {}: `{.on_delete = "CASCADE"}` is warning-free under -Wextra
  std::string on_update{};
};

/// What alter_column changes; what is unset stays as it is.
/// `{.type = db::Text, .nullable = false}`.
struct ColumnChanges {
  /// A new type. On PostgreSQL the column's CHECK named `<table>_<column>_check`
  /// (where an Enum's choices are) is dropped with the old type, and an Enum
  /// type adds its own under that name.
  std::optional<Type> type{};
  std::optional<bool> nullable{};
  std::optional<Value> server_default{};            ///< a new DEFAULT constant
  std::optional<std::string> server_default_sql{};  ///< a new DEFAULT expression
  bool drop_server_default = false;
  std::optional<std::string> new_name{};
};

/// The `op` of a revision: schema changes written once, compiled for the
/// database's dialect. Where SQLite has no ALTER for a change (dropping or
/// altering a column, adding a constraint), the table is rebuilt as Alembic's
/// batch mode does: a new table, the rows copied, the old one dropped, the new
/// one renamed, its indexes made again, foreign keys checked; no row is lost.
/// Each method runs (or, offline, prints) its statements at once. Every method
/// throws what the database raises (a db::Error naming the SQL) and
/// MigrationError for a table, column or constraint that is not there; the
/// runner then rolls the whole revision back.
class Operations {
 public:
  /// The dialect the statements are for (to branch on in a revision).
  Dialect dialect() const;

  /// CREATE TABLE with its columns and its columns' indexes.
  void create_table(const Table& table);
  /// CREATE TABLE `name` from columns (as a Table's, with their options).
  void create_table(std::string_view name, const std::vector<Column>& columns);
  /// DROP TABLE, with its indexes.
  void drop_table(std::string_view name);
  /// ALTER TABLE ... RENAME TO; foreign keys of other tables follow it.
  void rename_table(std::string_view name, std::string_view new_name);

  /// ADD COLUMN (and its index, with `db::index`). A NOT NULL column needs a
  /// DEFAULT, which existing rows take. @throws MigrationError for a primary key column.
  void add_column(std::string_view table, const Column& column);
  /// DROP COLUMN, with the indexes and constraints that use it.
  /// @throws MigrationError for a primary key column (SQLite).
  void drop_column(std::string_view table, std::string_view column);
  /// Changes a column's type, nullability, DEFAULT or name. Existing values
  /// are converted by the database; one it cannot convert (text into an
  /// integer, too long for a VARCHAR on PostgreSQL) fails the revision, except
  /// that SQLite keeps such a value as it is (its type affinity).
  void alter_column(std::string_view table, std::string_view column, const ColumnChanges& changes);

  /// CREATE [UNIQUE] INDEX `name` over `columns`, in order.
  void create_index(std::string_view name, std::string_view table, const std::vector<std::string>& columns,
                    bool unique = false);
  /// DROP INDEX `name` (`table` is for the reader: index names are the schema's).
  void drop_index(std::string_view name, std::string_view table);
  /// A named UNIQUE constraint over `columns` (on SQLite, a unique index of that name).
  void create_unique_constraint(std::string_view name, std::string_view table, const std::vector<std::string>& columns);
  /// A named FOREIGN KEY from `table`'s `columns` to `referred_table`'s.
  /// @throws MigrationError for no columns or unequal counts; ProgrammingError
  /// for an action other than the SQL standard's.
  void create_foreign_key(std::string_view name, std::string_view table, const std::vector<std::string>& columns,
                          std::string_view referred_table, const std::vector<std::string>& referred_columns,
                          const ForeignKeyActions& actions = {});
  /// Drops the named UNIQUE or FOREIGN KEY constraint.
  void drop_constraint(std::string_view name, std::string_view table);

  /// Raw SQL, for what the operations do not cover (a data fix, a view).
  void execute(std::string_view sql);
  /// Raw SQL run only on `dialect`.
  void execute(Dialect dialect, std::string_view sql);
  /// Inserts rows (named values) into `table`: data migrations.
  void bulk_insert(std::string_view table, const std::vector<Values>& rows);

 private:
  friend class migrations::Runner;
  explicit Operations(migrations::Runner& runner) : runner_(runner) {}
  migrations::Runner& runner_;
};

/// One migration step. Data, not a subclass: `.id`, `.parents` (none for the
/// first, several for a merge), `.message`, and both directions.
struct Revision {
  std::string id;
  std::vector<std::string> parents;
  std::string message;
  std::function<void(Operations&)> upgrade;
  std::function<void(Operations&)> downgrade;
};

/// An app's revisions as a graph. Construction checks it whole.
class Migrations {
 public:
  /// @throws MigrationError naming a repeated or empty id, a parent that is not
  /// among `revisions`, or the revisions of a cycle.
  explicit Migrations(std::vector<const Revision*> revisions, std::string directory = "");

  /// The folder new revision files go to (`db revision`), "" if unknown.
  const std::string& directory() const { return directory_; }
  /// Every revision, each after its parents (definition order otherwise).
  const std::vector<const Revision*>& ordered() const { return ordered_; }
  /// Revisions no other revision comes after.
  std::vector<std::string> heads() const;
  /// The revision `id`. @throws MigrationError naming it if unknown.
  const Revision& get(std::string_view id) const;
  bool contains(std::string_view id) const;
  /// `id` and every revision it comes after.
  std::vector<std::string> ancestry(std::string_view id) const;

 private:
  std::vector<const Revision*> ordered_;
  std::string directory_;
};

/// How a migration command runs.
struct MigrationOptions {
  /// The version table (Alembic's alembic_version).
  std::string version_table = "starling_version";
  /// Told each step as it starts ("upgrade 0001_notes -> 0002_created_at, ...").
  std::function<void(std::string_view)> on_step;
};

/// Every command opens a connection of its own to `url` (so a SQLite
/// `:memory:` URL is refused with a MigrationError: it would be a new, empty
/// database each time).
///
/// Applies what is missing up to `target`: "head" (the one head; two are an
/// error that says to merge), "heads", a revision id, or "+N". Each revision
/// runs in its own transaction; concurrent upgrades apply each revision once.
/// @throws MigrationError naming the revision and the database's message.
void upgrade(const DatabaseURL& url, const Migrations& migrations, std::string_view target = "head",
             const MigrationOptions& options = {});
/// Reverts down to `target`: a revision id (it stays applied; what comes after
/// it is reverted, another branch applied beside it is not), "-N" (the N
/// applied last), or "base" (everything).
/// @throws MigrationError as upgrade, and for a revision without a downgrade.
void downgrade(const DatabaseURL& url, const Migrations& migrations, std::string_view target,
               const MigrationOptions& options = {});
/// Records `target` as the database's revision without running anything.
/// @throws MigrationError naming an unknown target.
void stamp(const DatabaseURL& url, const Migrations& migrations, std::string_view target,
           const MigrationOptions& options = {});
/// The revisions the version table records (empty: base, nothing applied;
/// a SQLite file that does not exist is not created).
/// @throws MigrationError naming a recorded revision the app does not know.
std::vector<std::string> current(const DatabaseURL& url, const Migrations& migrations,
                                 const MigrationOptions& options = {});
/// Whether the database is at the migrations' heads (what `serve` checks).
bool is_at_head(const DatabaseURL& url, const Migrations& migrations, const MigrationOptions& options = {});
/// The SQL `upgrade` from base to `target` would run on `dialect`, with the
/// version table's statements, touching no database (`db upgrade head --sql`).
std::string upgrade_sql(Dialect dialect, const Migrations& migrations, std::string_view target = "head",
                        const MigrationOptions& options = {});

}  // namespace starling::db

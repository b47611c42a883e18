#pragma once
/// @file column.hpp
/// Column types and column definitions, as in SQLAlchemy Core:
///
///     db::Column("id", db::Integer, db::primary_key)
///     db::Column("title", db::String(200), db::not_null, db::index)
///     db::Column("user_id", db::Integer, db::foreign_key("users.id").on_delete("CASCADE"))
///
/// A type is a value, usable bare (`db::String`) or called (`db::String(200)`);
/// options follow the type in any order.

#include <starling/db/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace starling::db {

class ColumnRef;

/// What a column holds; each dialect maps it to its own SQL type (see ddl.hpp).
enum class TypeKind {
  integer,
  big_integer,
  string,
  text,
  boolean,
  float_,
  numeric,
  date_time,
  date,
  json,
  large_binary,
  date_time_tz,
  uuid,
  enum_
};

/// A column type: a kind and its parameters.
struct Type {
  TypeKind kind = TypeKind::integer;
  int length = 0;                      ///< String: maximum length in characters; 0 = no limit.
  int precision = 0;                   ///< Numeric: total digits; 0 = unconstrained.
  int scale = 0;                       ///< Numeric: digits after the decimal point.
  std::vector<std::string> choices{};  ///< Enum: the values a column may hold.
  friend constexpr bool operator==(const Type&, const Type&) = default;
};

/// The type of `db::String`: bare for unbounded text, `db::String(200)` for VARCHAR(200).
struct StringType : Type {
  /// VARCHAR(max_length).
  constexpr Type operator()(int max_length) const { return Type{TypeKind::string, max_length}; }
};

/// The type of `db::Numeric`: bare, or `db::Numeric(10, 2)` for NUMERIC(10, 2).
struct NumericType : Type {
  /// NUMERIC(precision, scale).
  constexpr Type operator()(int precision, int scale = 0) const { return Type{TypeKind::numeric, 0, precision, scale}; }
};

/// Option type of `db::with_timezone`.
struct WithTimezoneOption {};
/// `db::DateTime(db::with_timezone)`: an instant, TIMESTAMP WITH TIME ZONE.
inline constexpr WithTimezoneOption with_timezone{};

/// The type of `db::DateTime`: bare for a time without zone, or
/// `db::DateTime(db::with_timezone)` for an instant (TIMESTAMP WITH TIME ZONE on
/// PostgreSQL, UTC text on SQLite): a value given with an offset is stored as UTC.
struct DateTimeType : Type {
  constexpr Type operator()(WithTimezoneOption) const { return Type{TypeKind::date_time_tz}; }
};

/// 32-bit integer (SQLite stores every integer as 64 bits).
inline constexpr Type Integer{TypeKind::integer};
/// 64-bit integer.
inline constexpr Type BigInteger{TypeKind::big_integer};
/// Variable-length text: `db::String` or `db::String(200)`.
inline constexpr StringType String{{TypeKind::string}};
/// Unbounded text.
inline constexpr Type Text{TypeKind::text};
/// True/false (0/1 on SQLite, checked).
inline constexpr Type Boolean{TypeKind::boolean};
/// Double-precision floating point.
inline constexpr Type Float{TypeKind::float_};
/// Exact decimal: `db::Numeric` or `db::Numeric(10, 2)`.
inline constexpr NumericType Numeric{{TypeKind::numeric}};
/// Date and time, without time zone; `db::DateTime(db::with_timezone)` for an instant.
inline constexpr DateTimeType DateTime{{TypeKind::date_time}};
/// A UUID, as text "123e4567-e89b-12d3-a456-426614174000": UUID on PostgreSQL,
/// text on SQLite. A value is checked and lower-cased when bound by the builder.
inline constexpr Type Uuid{TypeKind::uuid};
/// Text that holds one of `choices`: `db::Enum({"draft", "published"})`.
/// Stored as VARCHAR (as long as the longest choice) with a CHECK on both
/// backends; the builder refuses another value, naming the column and the choices.
/// @throws ProgrammingError if `choices` is empty or holds an empty or repeated value.
Type Enum(std::vector<std::string> choices);
/// Calendar date.
inline constexpr Type Date{TypeKind::date};
/// A JSON document (JSONB on PostgreSQL).
inline constexpr Type JSON{TypeKind::json};
/// Bytes (BLOB / BYTEA).
inline constexpr Type LargeBinary{TypeKind::large_binary};

/// Option type of `db::primary_key`.
struct PrimaryKeyOption {};
/// Part of the primary key (implies NOT NULL). A table's only primary key
/// column, when Integer or BigInteger, autoincrements unless `autoincrement(false)`.
inline constexpr PrimaryKeyOption primary_key{};

/// Option type of `db::autoincrement`.
struct AutoincrementOption {
  bool value = true;
  /// `db::autoincrement(false)`: an integer primary key the application assigns.
  constexpr AutoincrementOption operator()(bool on) const { return AutoincrementOption{on}; }
};
/// The database assigns the value (SQLite AUTOINCREMENT, PostgreSQL SERIAL).
/// Only for a table's only primary key column, of Integer or BigInteger type.
inline constexpr AutoincrementOption autoincrement{};

/// Option type of `db::nullable` and `db::not_null`.
struct NullableOption {
  bool value = true;
  /// `db::nullable(false)` is `db::not_null`.
  constexpr NullableOption operator()(bool on) const { return NullableOption{on}; }
};
/// May hold NULL (the default, except for primary key columns).
inline constexpr NullableOption nullable{};
/// NOT NULL.
inline constexpr NullableOption not_null{false};

/// Option type of `db::unique`.
struct UniqueOption {};
/// No two rows share a value (with `db::index`: a unique index).
inline constexpr UniqueOption unique{};

/// Option type of `db::index`.
struct IndexOption {};
/// Creates index `ix_<table>_<column>`.
inline constexpr IndexOption index{};

/// Option type of `db::default_`.
struct DefaultOption {
  Value value;
};
/// The value the database uses when an insert omits the column (a DDL DEFAULT).
inline DefaultOption default_(Value value) { return DefaultOption{std::move(value)}; }

/// Option type of `db::default_sql` and `db::server_default_now`.
struct DefaultSqlOption {
  std::string sql;
};
/// A DEFAULT that is an SQL expression the database evaluates per row:
/// `db::default_sql("CURRENT_DATE")`. Written as given: only the schema author's text.
inline DefaultSqlOption default_sql(std::string expression) { return DefaultSqlOption{std::move(expression)}; }

/// Option type of `db::server_default_now`.
struct ServerDefaultNowOption {};
/// DEFAULT CURRENT_TIMESTAMP: the time of the insert (PostgreSQL: of its
/// transaction's start). UTC on SQLite; on PostgreSQL, in the session's time
/// zone, which Starling's connections set to UTC unless the URL gives `options`.
inline constexpr ServerDefaultNowOption server_default_now{};

/// REFERENCES another table's column: `db::foreign_key("users.id").on_delete("CASCADE")`.
class ForeignKey {
 public:
  /// `target` is "table.column". @throws ProgrammingError if it has no '.'.
  explicit ForeignKey(std::string_view target);

  /// The referenced table's name.
  const std::string& table() const { return table_; }
  /// The referenced column's name.
  const std::string& column() const { return column_; }
  /// The ON DELETE action, upper case; "" = the database's default (NO ACTION).
  const std::string& on_delete() const { return on_delete_; }
  /// The ON UPDATE action, upper case; "" = the database's default (NO ACTION).
  const std::string& on_update() const { return on_update_; }

  /// A copy with ON DELETE `action`: CASCADE, SET NULL, SET DEFAULT, RESTRICT or NO ACTION.
  /// @throws ProgrammingError for any other action.
  ForeignKey on_delete(std::string_view action) const;
  /// A copy with ON UPDATE `action` (as on_delete). @throws ProgrammingError for an unknown action.
  ForeignKey on_update(std::string_view action) const;

 private:
  std::string table_;
  std::string column_;
  std::string on_delete_;
  std::string on_update_;
};

/// A foreign key to "table.column". @throws ProgrammingError if `target` has no '.'.
ForeignKey foreign_key(std::string_view target);
/// A foreign key to a column of a table defined earlier: `db::foreign_key(users.c("id"))`.
ForeignKey foreign_key(const ColumnRef& target);

/// One column of a table: a name, a type and options.
class Column {
 public:
  /// `db::Column("id", db::Integer, db::primary_key)`.
  /// @throws ProgrammingError for an empty name or a negative length/precision/scale.
  template <class... Options>
  Column(std::string name, Type type, const Options&... options) : name_(std::move(name)), type_(std::move(type)) {
    (apply(options), ...);
    validate();
  }

  /// The column's name.
  const std::string& name() const { return name_; }
  /// The column's type.
  const Type& type() const { return type_; }
  /// Part of the table's primary key.
  bool primary_key() const { return primary_key_; }
  /// The database assigns the value. Resolved when the column joins a Table:
  /// before that, only an explicit `db::autoincrement` reads as true.
  bool autoincrement() const { return autoincrement_.value_or(false); }
  /// May hold NULL (false for primary key columns unless `db::nullable` was given).
  bool nullable() const { return nullable_.value_or(!primary_key_); }
  /// Declared `db::unique`.
  bool unique() const { return unique_; }
  /// Declared `db::index`.
  bool index() const { return index_; }
  /// The DDL DEFAULT constant, if any.
  const std::optional<Value>& default_value() const { return default_; }
  /// The DDL DEFAULT expression (`db::default_sql`, `db::server_default_now`), if any.
  const std::optional<std::string>& default_sql() const { return default_sql_; }
  /// The column it references, if any.
  const std::optional<ForeignKey>& foreign_key() const { return foreign_key_; }

 private:
  friend class Table;  // resolves autoincrement once the whole primary key is known

  void apply(const PrimaryKeyOption&) { primary_key_ = true; }
  void apply(const AutoincrementOption& option) { autoincrement_ = option.value; }
  void apply(const NullableOption& option) { nullable_ = option.value; }
  void apply(const UniqueOption&) { unique_ = true; }
  void apply(const IndexOption&) { index_ = true; }
  void apply(const DefaultOption& option) {
    default_ = option.value;
    default_sql_.reset();
  }
  void apply(const DefaultSqlOption& option) {
    default_sql_ = option.sql;
    default_.reset();
  }
  void apply(const ServerDefaultNowOption&) { apply(DefaultSqlOption{"CURRENT_TIMESTAMP"}); }
  void apply(const ForeignKey& option) { foreign_key_ = option; }
  void validate() const;

  std::string name_;
  Type type_;
  bool primary_key_ = false;
  std::optional<bool> autoincrement_;
  std::optional<bool> nullable_;
  bool unique_ = false;
  bool index_ = false;
  std::optional<Value> default_;
  std::optional<std::string> default_sql_;
  std::optional<ForeignKey> foreign_key_;
};

}  // namespace starling::db

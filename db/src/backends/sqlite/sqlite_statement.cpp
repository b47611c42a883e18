#include "backends/sqlite/sqlite_statement.hpp"

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string_view>

namespace starling::db::backend {
namespace {

DeclaredType declared_type(const char* declared) {
  if (declared == nullptr) return DeclaredType::other;  // an expression, not a column
  std::string upper(declared);
  std::ranges::transform(upper, upper.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (upper == "BOOLEAN" || upper == "BOOL") return DeclaredType::boolean;
  if (upper == "JSON" || upper == "JSONB") return DeclaredType::json;
  if (upper.starts_with("NUMERIC") || upper.starts_with("DECIMAL")) return DeclaredType::decimal;
  return DeclaredType::other;
}

void bind_one(SQLite::Statement& statement, int index, const Value& value) {
  switch (value.type()) {
    case ValueType::null: statement.bind(index); break;
    case ValueType::boolean: statement.bind(index, static_cast<std::int64_t>(value.as<bool>() ? 1 : 0)); break;
    case ValueType::integer: statement.bind(index, value.as<std::int64_t>()); break;
    case ValueType::real: statement.bind(index, value.as<double>()); break;
    case ValueType::text:
    case ValueType::json:
    case ValueType::decimal: statement.bind(index, value.as<std::string>()); break;  // NUMERIC affinity takes a number
    case ValueType::blob: {
      const auto blob = value.as<Blob>();
      statement.bind(index, blob.data(), static_cast<int>(blob.size()));
      break;
    }
  }
}

// The shortest text that reads back as the same double ("12.5"), where
// SQLite's own keeps only 15 digits.
std::string shortest_text(double number) {
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, number).ptr;
  return std::string(text, end);
}

// Straight from the sqlite3_stmt: SQLiteCpp's Column checks the index against
// the width the statement had when first prepared, and SQLite may have
// prepared it again since (see refresh_if_reprepared).
Value read(sqlite3_stmt* statement, int index, DeclaredType type) {
  switch (sqlite3_column_type(statement, index)) {
    case SQLITE_INTEGER: {
      const auto number = static_cast<std::int64_t>(sqlite3_column_int64(statement, index));
      if (type == DeclaredType::boolean && (number == 0 || number == 1)) return Value(number == 1);
      if (type == DeclaredType::decimal) return Value(Decimal{std::to_string(number)});
      return Value(number);
    }
    case SQLITE_FLOAT: {
      const double number = sqlite3_column_double(statement, index);
      if (type == DeclaredType::decimal) return Value(Decimal{shortest_text(number)});
      return Value(number);
    }
    case SQLITE_TEXT: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, index));
      std::string string(text, static_cast<std::size_t>(sqlite3_column_bytes(statement, index)));
      if (type == DeclaredType::json) return Value(JsonText{std::move(string)});
      return Value(std::move(string));
    }
    case SQLITE_BLOB: {
      const auto* bytes = static_cast<const std::uint8_t*>(sqlite3_column_blob(statement, index));
      return Value(Blob(bytes, bytes + sqlite3_column_bytes(statement, index)));
    }
    default: return Value();
  }
}

}  // namespace

SqliteStatement::SqliteStatement(SQLite::Database& database, const std::string& sql)
    : statement(database, sql), raw_(sqlite3_next_stmt(database.getHandle(), nullptr)) {
  // SQLiteCpp 3.2 keeps its sqlite3_stmt private; the connection lists its
  // statements newest first, and this one was just prepared on this thread.
  // (SQLite keeps the statement's own text: the SQL up to its end, not what follows.)
  if (raw_ == nullptr || !std::string_view(sql).starts_with(sqlite3_sql(raw_)))
    throw OperationalError("cannot find the statement SQLite prepared for: " + sql);
  describe();
}

void SqliteStatement::describe() {
  const int width = sqlite3_column_count(raw_);
  std::vector<std::string> names;
  types.clear();
  for (int i = 0; i < width; ++i) {
    names.emplace_back(sqlite3_column_name(raw_, i));
    types.push_back(declared_type(sqlite3_column_decltype(raw_, i)));  // null for an expression
  }
  columns = make_columns(std::move(names));
  reprepares_ = sqlite3_stmt_status(raw_, SQLITE_STMTSTATUS_REPREPARE, 0);
}

void SqliteStatement::refresh_if_reprepared() {
  if (sqlite3_stmt_status(raw_, SQLITE_STMTSTATUS_REPREPARE, 0) != reprepares_) describe();
}

bool SqliteStatement::writes_nothing() const { return sqlite3_stmt_readonly(raw_) != 0; }

void SqliteStatement::bind(const std::vector<Value>& params) {
  const int expected = statement.getBindParameterCount();
  if (static_cast<int>(params.size()) != expected)
    throw ProgrammingError("the SQL takes " + std::to_string(expected) + " parameters but " +
                               std::to_string(params.size()) + " were given",
                           {.sql = statement.getQuery()});
  for (std::size_t i = 0; i < params.size(); ++i) bind_one(statement, static_cast<int>(i) + 1, params[i]);
}

Row SqliteStatement::row() {
  refresh_if_reprepared();
  std::vector<Value> values;
  values.reserve(types.size());
  for (std::size_t i = 0; i < types.size(); ++i) values.push_back(read(raw_, static_cast<int>(i), types[i]));
  return Row(columns, std::move(values));
}

// "UNIQUE constraint failed: notes.text" names the table and column; with
// several columns ("t.a, t.b") only the table is certain.
void name_constraint_target(const std::string& message, ErrorDetails& details) {
  const auto colon = message.find("constraint failed: ");
  if (colon == std::string::npos) return;
  const auto target = message.substr(colon + 19);
  const auto dot = target.find('.');
  if (dot == std::string::npos) return;
  details.table = target.substr(0, dot);
  if (target.find(',') == std::string::npos) details.column = target.substr(dot + 1);
}

void rethrow_translated(const SQLite::Exception& error, const std::string& sql) {
  const std::string message = error.what();
  ErrorDetails details{.sql = sql, .result_code = error.getExtendedErrorCode()};
  if (error.getErrorCode() == SQLITE_CONSTRAINT) name_constraint_target(message, details);
  switch (error.getExtendedErrorCode()) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY: throw UniqueViolation(message, std::move(details));
    case SQLITE_CONSTRAINT_FOREIGNKEY: throw ForeignKeyViolation(message, std::move(details));
    case SQLITE_CONSTRAINT_NOTNULL: throw NotNullViolation(message, std::move(details));
    default: break;
  }
  switch (error.getErrorCode()) {
    case SQLITE_CONSTRAINT: throw IntegrityError(message, std::move(details));
    case SQLITE_ERROR:
    case SQLITE_RANGE: throw ProgrammingError(message, std::move(details));
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG: throw DataError(message, std::move(details));
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_AUTH:
    case SQLITE_PERM: throw ConnectionError(message, std::move(details));
    default: throw OperationalError(message, std::move(details));
  }
}

}  // namespace starling::db::backend

#include "backends/sqlite/sqlite_statement.hpp"

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>

#include "decimal_text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string_view>

namespace starling::db::backend {
namespace {

// The s of "NUMERIC(p, s)" ("NUMERIC(p)": 0), -1 for a bare NUMERIC.
int declared_scale(std::string_view type) {
  const auto open = type.find('(');
  if (open == std::string_view::npos) return -1;
  const auto comma = type.find(',', open);
  if (comma == std::string_view::npos) return 0;
  auto rest = type.substr(comma + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  int scale = -1;
  std::from_chars(rest.data(), rest.data() + rest.size(), scale);
  return scale;
}

DeclaredColumn declared_column(const char* declared) {
  if (declared == nullptr) return {};  // an expression, not a column
  std::string upper(declared);
  std::ranges::transform(upper, upper.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (upper == "BOOLEAN" || upper == "BOOL") return {DeclaredType::boolean};
  if (upper == "JSON" || upper == "JSONB") return {DeclaredType::json};
  if (upper.starts_with("NUMERIC") || upper.starts_with("DECIMAL"))
    return {DeclaredType::decimal, std::min(declared_scale(upper), 1000)};
  return {};
}

std::string shortest_text(double number);

// SQLite keeps a NUMERIC as a 64-bit integer or a double: a decimal that is
// neither exactly would be stored rounded, without a word, so it is refused.
// A Decimal binds as a number, whatever the column.
void bind_decimal(SQLite::Statement& statement, int index, const Value& value) {
  const auto number = detail::parse_decimal(value.as<std::string>());
  const auto fail = [&](const std::string& problem) {
    throw DataError("parameter " + std::to_string(index) + " is a Decimal " + problem +
                        ": SQLite stores a NUMERIC as a 64-bit integer or a double, which reads back as "
                        "its shortest form (about 15 significant digits)",
                    {.sql = statement.getQuery()});
  };
  if (!number) fail("that is no number");
  if (number->fraction_digits() == 0) {
    std::int64_t whole = 0;
    const auto text = number->text();
    if (const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), whole);
        error == std::errc() && end == text.data() + text.size())
      return statement.bind(index, whole);
  }
  const auto text = number->text();
  double nearest = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), nearest);
  if (error != std::errc() || !std::isfinite(nearest) || nearest == 0.0) fail("out of a double's range");
  // Exact when the double reads back as the same number.
  const auto back = detail::parse_decimal(shortest_text(nearest));
  if (!back || back->digits != number->digits || back->exponent != number->exponent)
    fail("of " + std::to_string(number->significant_digits()) + " significant digits");
  statement.bind(index, nearest);
}

void bind_one(SQLite::Statement& statement, int index, const Value& value) {
  switch (value.type()) {
    case ValueType::null: statement.bind(index); break;
    case ValueType::boolean: statement.bind(index, static_cast<std::int64_t>(value.as<bool>() ? 1 : 0)); break;
    case ValueType::integer: statement.bind(index, value.as<std::int64_t>()); break;
    case ValueType::real: statement.bind(index, value.as<double>()); break;
    case ValueType::text:
    case ValueType::json: statement.bind(index, value.as<std::string>()); break;
    case ValueType::decimal: bind_decimal(statement, index, value); break;
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
// A NUMERIC(p, s) read back as PostgreSQL writes it: s digits after the point.
Value decimal(std::string text, int scale) {
  if (scale < 0) return Value(Decimal{std::move(text)});
  auto number = detail::parse_decimal(text);
  if (!number) return Value(Decimal{std::move(text)});
  auto written = number->rounded(scale).text();
  if (scale > 0) {
    const auto point = written.find('.');
    const auto have = point == std::string::npos ? 0 : static_cast<int>(written.size() - point - 1);
    if (point == std::string::npos) written += '.';
    written.append(static_cast<std::size_t>(scale - have), '0');
  }
  return Value(Decimal{std::move(written)});
}

Value read(sqlite3_stmt* statement, int index, DeclaredColumn column) {
  const auto type = column.type;
  switch (sqlite3_column_type(statement, index)) {
    case SQLITE_INTEGER: {
      const auto number = static_cast<std::int64_t>(sqlite3_column_int64(statement, index));
      if (type == DeclaredType::boolean && (number == 0 || number == 1)) return Value(number == 1);
      if (type == DeclaredType::decimal) return decimal(std::to_string(number), column.scale);
      return Value(number);
    }
    case SQLITE_FLOAT: {
      const double number = sqlite3_column_double(statement, index);
      if (type == DeclaredType::decimal) return decimal(shortest_text(number), column.scale);
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
    types.push_back(declared_column(sqlite3_column_decltype(raw_, i)));  // null for an expression
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

#include "backends/sqlite/sqlite_connection.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <cctype>

namespace starling::db::backend {
namespace {

constexpr std::size_t kStatementCacheSize = 256;

// Translates at the boundary: no SQLiteCpp exception leaves this file. The
// message names the SQL, never the bound values.
[[noreturn]] void rethrow_translated(const SQLite::Exception& error, const std::string& sql) {
  const std::string what = std::string(error.what()) + (sql.empty() ? "" : " (in SQL: " + sql + ")");
  switch (error.getExtendedErrorCode()) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY: throw UniqueViolation(what);
    case SQLITE_CONSTRAINT_FOREIGNKEY: throw ForeignKeyViolation(what);
    case SQLITE_CONSTRAINT_NOTNULL: throw NotNullViolation(what);
    default: break;
  }
  switch (error.getErrorCode()) {
    case SQLITE_CONSTRAINT: throw IntegrityError(what);
    case SQLITE_ERROR:
    case SQLITE_RANGE:
    case SQLITE_MISMATCH: throw ProgrammingError(what);
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_AUTH:
    case SQLITE_PERM: throw ConnectionError(what);
    default: throw OperationalError(what);
  }
}

void bind(SQLite::Statement& statement, int index, const Value& value) {
  switch (value.type()) {
    case ValueType::null: statement.bind(index); break;
    case ValueType::boolean: statement.bind(index, static_cast<std::int64_t>(value.as<bool>() ? 1 : 0)); break;
    case ValueType::integer: statement.bind(index, value.as<std::int64_t>()); break;
    case ValueType::real: statement.bind(index, value.as<double>()); break;
    case ValueType::text: statement.bind(index, value.as<std::string>()); break;
    case ValueType::blob: {
      const auto blob = value.as<Blob>();
      statement.bind(index, blob.data(), static_cast<int>(blob.size()));
      break;
    }
  }
}

Value read(const SQLite::Column& column) {
  switch (column.getType()) {
    case SQLITE_INTEGER: return Value(column.getInt64());
    case SQLITE_FLOAT: return Value(column.getDouble());
    case SQLITE_TEXT: return Value(column.getString());
    case SQLITE_BLOB: {
      const auto* bytes = static_cast<const std::uint8_t*>(column.getBlob());
      return Value(Blob(bytes, bytes + column.getBytes()));
    }
    default: return Value();
  }
}

bool is_insert(std::string_view sql) {
  while (!sql.empty() && std::isspace(static_cast<unsigned char>(sql.front()))) sql.remove_prefix(1);
  const auto starts_with = [&](std::string_view word) {
    if (sql.size() < word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i)
      if (std::toupper(static_cast<unsigned char>(sql[i])) != word[i]) return false;
    return true;
  };
  return starts_with("INSERT") || starts_with("REPLACE");
}

}  // namespace

SqliteConnection::SqliteConnection(const DatabaseURL& url, std::chrono::milliseconds busy_timeout) {
  try {
    database_ = std::make_unique<SQLite::Database>(url.database(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                                                   static_cast<int>(busy_timeout.count()));
    database_->exec("PRAGMA foreign_keys = ON");
    // WAL lets readers run beside the writer; a memory database has no journal file.
    if (!url.is_memory()) database_->exec("PRAGMA journal_mode = WAL");
  } catch (const SQLite::Exception& error) {
    throw ConnectionError("cannot open SQLite database '" + url.database() + "': " + error.what());
  }
}

SqliteConnection::~SqliteConnection() = default;

SQLite::Statement& SqliteConnection::prepare(const std::string& sql) {
  if (auto cached = statements_.find(sql); cached != statements_.end()) {
    cached->second->reset();
    cached->second->clearBindings();
    return *cached->second;
  }
  if (statements_.size() >= kStatementCacheSize) statements_.clear();  // simple and bounded
  auto statement = std::make_unique<SQLite::Statement>(*database_, sql);
  return *statements_.emplace(sql, std::move(statement)).first->second;
}

Result SqliteConnection::execute(const std::string& sql, const std::vector<Value>& params) {
  try {
    SQLite::Statement& statement = prepare(sql);
    const int expected = statement.getBindParameterCount();
    if (static_cast<int>(params.size()) != expected)
      throw ProgrammingError("the SQL takes " + std::to_string(expected) + " parameters but " +
                             std::to_string(params.size()) + " were given (in SQL: " + sql + ")");
    for (std::size_t i = 0; i < params.size(); ++i) bind(statement, static_cast<int>(i) + 1, params[i]);
    Result result;
    sqlite3* handle = database_->getHandle();
    const auto changes_before = sqlite3_total_changes64(handle);
    const int width = statement.getColumnCount();
    auto names = std::make_shared<std::vector<std::string>>();
    for (int i = 0; i < width; ++i) names->emplace_back(statement.getColumnName(i));
    result.columns = names;
    while (statement.executeStep()) {
      std::vector<Value> values;
      values.reserve(static_cast<std::size_t>(width));
      for (int i = 0; i < width; ++i) values.push_back(read(statement.getColumn(i)));
      result.rows.emplace_back(result.columns, std::move(values));
    }
    statement.reset();  // ends the statement so it holds no read lock while cached
    // total_changes moves only for INSERT/UPDATE/DELETE, so DDL and SELECT count 0.
    result.rows_affected = sqlite3_total_changes64(handle) - changes_before;
    if (result.rows_affected > 0 && is_insert(sql)) result.last_insert_id = sqlite3_last_insert_rowid(handle);
    return result;
  } catch (const SQLite::Exception& error) {
    statements_.erase(sql);  // a failed statement is prepared again next time
    rethrow_translated(error, sql);
  }
}

bool SqliteConnection::is_alive() { return database_ != nullptr; }

}  // namespace starling::db::backend

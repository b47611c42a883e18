#include "backends/postgres/postgres_connection.hpp"

#include "backends/postgres/postgres_values.hpp"

#include <libpq-fe.h>
#include <sys/socket.h>
#include <pqxx/pqxx>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <string_view>
#include <unordered_set>

namespace starling::db::backend {
namespace {

constexpr std::size_t kStatementCacheSize = 256;

// Only statements that typically run shorter than this share a round trip:
// the callers queued behind a slow one in a pipeline would otherwise wait for
// it instead of taking the next connection free.
constexpr std::chrono::milliseconds kPipelinedUnder{1};

using Clock = StatementTiming::Clock;

std::string quoted_option(const std::string& value) {
  std::string quoted = "'";
  for (const char c : value) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "'";
}

std::string connection_string(const DatabaseURL& url) {
  std::string options;
  const auto add = [&](const std::string& key, const std::string& value) {
    if (!value.empty()) options += key + "=" + quoted_option(value) + " ";
  };
  add("host", url.hostname());
  add("port", url.port() ? std::to_string(*url.port()) : "");
  add("dbname", url.database());
  add("user", url.username());
  add("password", url.password());
  // Sessions run in UTC: a timestamptz reads back with "+00", and a timestamp
  // written as text without a zone (db::Value from a sys_time) means UTC. A URL
  // with its own `options` decides for itself.
  if (!url.options().contains("options")) options += "options='-c TimeZone=UTC' ";
  for (const auto& [key, value] : url.options()) add(key, value);
  return options;
}

std::string first_keyword(std::string_view sql) {
  std::string word;
  for (const char c : sql) {
    if (std::isalpha(static_cast<unsigned char>(c)))
      word += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    else if (!word.empty() || !std::isspace(static_cast<unsigned char>(c)))
      break;
  }
  return word;
}

// Statements that take no parameters and gain nothing from a cached plan (and
// some, like DECLARE, cannot be prepared at all) run through the simple protocol.
bool is_unprepared(const std::string& word) {
  static constexpr std::array<std::string_view, 15> kWords = {"BEGIN",  "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE",
                                                              "CREATE", "DROP",   "ALTER",    "DECLARE",   "FETCH",
                                                              "CLOSE",  "SET",    "TRUNCATE", "START",     "END"};
  for (const auto keyword : kWords)
    if (word == keyword) return true;
  return false;
}

// Plain data statements: none of these can open a transaction or leave the
// session changed for the statements after it in a pipeline.
bool is_data_statement(const std::string& sql) {
  static constexpr std::array<std::string_view, 7> kWords = {"SELECT", "INSERT", "UPDATE", "DELETE",
                                                             "WITH",   "VALUES", "TABLE"};
  return std::ranges::find(kWords, first_keyword(sql)) != kWords.end();
}

class PostgresCursor final : public Cursor {
 public:
  PostgresCursor(Connection& connection, std::string name, bool owns_transaction)
      : connection_(connection), name_(std::move(name)), owns_transaction_(owns_transaction) {}

  ~PostgresCursor() override {
    try {
      connection_.execute("CLOSE " + name_, {});
      if (owns_transaction_) connection_.execute("COMMIT", {});
    } catch (const Error&) {
      try {
        if (owns_transaction_) connection_.execute("ROLLBACK", {});
      } catch (const Error&) {  // the connection is broken; the pool drops it
      }
    }
  }

  std::vector<Row> fetch(std::size_t count) override {
    return connection_.execute("FETCH FORWARD " + std::to_string(count) + " FROM " + name_, {}).rows;
  }

 private:
  Connection& connection_;
  std::string name_;
  bool owns_transaction_;
};

}  // namespace

// libpqxx 6.4 keeps libpq's connection handle to itself, but the connection
// policy that makes it sees it: noted per thread, as a connection is made on
// one thread and the handle read right after. (libpqxx would make another only
// to reconnect a broken connection, which this class never uses again.)
class NotingConnect final : public pqxx::connect_direct {
 public:
  explicit NotingConnect(const std::string& options) : connect_direct(options) {}
  handle do_startconnect(handle orig) override {
    made_on_this_thread = connect_direct::do_startconnect(orig);
    return made_on_this_thread;
  }
  static thread_local handle made_on_this_thread;
};

thread_local NotingConnect::handle NotingConnect::made_on_this_thread = nullptr;

PostgresConnection::PostgresConnection(const DatabaseURL& url, const ConnectionOptions& options) {
  try {
    connection_ = std::make_unique<pqxx::basic_connection_base<NotingConnect>>(connection_string(url));
    handle_ = NotingConnect::made_on_this_thread;
  } catch (const std::exception& error) {
    // libpq's message names host and port, never the password.
    std::string message = error.what();
    while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back()))) message.pop_back();
    throw ConnectionError("cannot connect to " + url.to_string() + ": " + message);
  }
  if (options.statement_timeout.count() > 0) {
    // The server cancels a statement past it (SQLSTATE 57014), lock waits included.
    const auto set = "SET statement_timeout = " + std::to_string(options.statement_timeout.count());
    succeeded(PQexec(handle_, set.c_str()), set, false);
  }
}

PostgresConnection::~PostgresConnection() = default;

// Statements run through libpq itself (libpqxx only connects): libpqxx 6.4
// adds a transaction object, a result object and a name lookup to each, which
// cost a fifth of pooled throughput (bench/README.md).
PostgresConnection::Prepared& PostgresConnection::prepared(const std::string& sql) {
  if (auto found = prepared_.find(sql); found != prepared_.end()) {
    if (!found->second.stale) return found->second;
    // Its table changed shape: prepared afresh under a new name. The old one is
    // dropped unless a failed transaction refuses even that; it then stays,
    // never run again, until DEALLOCATE ALL or the connection's end.
    if (PQtransactionStatus(handle_) != PQTRANS_INERROR)
      succeeded(PQexec(handle_, ("DEALLOCATE " + found->second.name).c_str()), sql, false);
    prepared_.erase(found);
  }
  if (prepared_.size() >= kStatementCacheSize) {
    succeeded(PQexec(handle_, "DEALLOCATE ALL"), "DEALLOCATE ALL", false);
    prepared_.clear();
  }
  auto name = "starling_" + std::to_string(next_name_++);
  succeeded(PQprepare(handle_, name.c_str(), sql.c_str(), 0, nullptr), sql, false);
  return prepared_.emplace(sql, Prepared{std::move(name), nullptr, is_data_statement(sql), {}, false}).first->second;
}

PostgresConnection::ResultPtr PostgresConnection::succeeded(pg_result* raw, const std::string& sql,
                                                            bool stale_plan_allowed) {
  ResultPtr result(raw, &PQclear);
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) return result;
  if (PQstatus(handle_) == CONNECTION_BAD)  // 08006: connection_failure
    postgres::throw_for_state(std::string("the PostgreSQL connection broke: ") + PQerrorMessage(handle_),
                              {.sql = sql, .sqlstate = "08006"}, broken_);
  const char* state = result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
  std::string message = result ? PQresultErrorMessage(result.get()) : PQerrorMessage(handle_);
  if (const auto found = prepared_.find(sql); found != prepared_.end() && state && std::string_view(state) == "0A000") {
    found->second.stale = true;  // prepared afresh at its next run
    if (stale_plan_allowed) return ResultPtr(nullptr, &PQclear);
    // Inside a transaction the error aborted it: nothing can run again there.
    message = message.substr(0, message.find('\n')) +
              ": a table it reads changed shape since this connection prepared it; it is prepared afresh when run "
              "again (inside a transaction it cannot be, and the transaction failed: retry it)";
  }
  const auto field = [&](int code) {
    const char* text = result ? PQresultErrorField(result.get(), code) : nullptr;
    return std::string(text ? text : "");
  };
  postgres::throw_for_state(message,
                            {.sql = sql,
                             .sqlstate = state ? state : "",
                             .constraint = field(PG_DIAG_CONSTRAINT_NAME),
                             .table = field(PG_DIAG_TABLE_NAME),
                             .column = field(PG_DIAG_COLUMN_NAME)},
                            broken_);
}

Result PostgresConnection::execute(const std::string& sql, const std::vector<Value>& params) {
  const auto texts = postgres::to_parameters(params);  // refuses what cannot be sent before anything is
  std::vector<const char*> pointers;
  pointers.reserve(texts.size());
  for (const auto& text : texts) pointers.push_back(text ? text->c_str() : nullptr);
  // After a failed statement PostgreSQL answers COMMIT with a ROLLBACK, not an
  // error: remember the failure until the transaction is rolled back.
  const auto word = first_keyword(sql);
  if (word == "BEGIN" || word == "START") statement_failed_ = false;
  const bool commit_rolls_back = word == "COMMIT" && statement_failed_;
  Result outcome;
  try {
    outcome = run_statement(sql, word, texts, pointers);
  } catch (const ConnectionError&) {
    throw;
  } catch (const Error&) {
    statement_failed_ = true;
    throw;
  }
  if (word == "ROLLBACK" || word == "COMMIT") statement_failed_ = false;
  if (commit_rolls_back)
    throw OperationalError("COMMIT rolled the transaction back: a statement in it had failed, so none of it was kept");
  return outcome;
}

Result PostgresConnection::run_statement(const std::string& sql, const std::string& word,
                                         const std::vector<std::optional<std::string>>& texts,
                                         const std::vector<const char*>& pointers) {
  if (broken_) throw ConnectionError("the PostgreSQL connection is broken", {.sql = sql});
  // Statements without parameters that gain nothing from a plan, and cursors, which cannot be prepared.
  // Without parameters, the simple protocol: it also runs a script of several statements.
  if ((texts.empty() && is_unprepared(word)) || word == "DECLARE") {
    auto result = succeeded(texts.empty() ? PQexec(handle_, sql.c_str())
                                          : PQexecParams(handle_, sql.c_str(), static_cast<int>(pointers.size()),
                                                         nullptr, pointers.data(), nullptr, nullptr, 0),
                            sql, false);
    return outcome_of(result.get(), postgres::column_names(result.get()));
  }
  return run_prepared(sql, pointers);
}

Result PostgresConnection::run_prepared(const std::string& sql, const std::vector<const char*>& pointers) {
  const auto run = [&](const Prepared& statement) {
    return PQexecPrepared(handle_, statement.name.c_str(), static_cast<int>(pointers.size()), pointers.data(), nullptr,
                          nullptr, 0);
  };
  Prepared* statement = &prepared(sql);
  // Outside a transaction, one prepared before its table changed shape is prepared again and rerun.
  const bool can_rerun = PQtransactionStatus(handle_) == PQTRANS_IDLE;
  const auto started = Clock::now();
  auto result = succeeded(run(*statement), sql, can_rerun);
  if (!result) {
    statement = &prepared(sql);
    result = succeeded(run(*statement), sql, false);
  }
  statement->timing.note(Clock::now() - started);
  return result_of(result.get(), *statement);
}

Result PostgresConnection::result_of(pg_result* result, Prepared& statement) {
  if (!postgres::same_columns(result, statement.columns)) statement.columns = postgres::column_names(result);
  return outcome_of(result, statement.columns);
}

// Only those known to be short here (see kPipelinedUnder), of the plain data
// statements (see is_data_statement).
bool PostgresConnection::pipelines(const PipelineStatement& statement) const {
  if (broken_) return false;
  const auto found = prepared_.find(*statement.sql);
  return found != prepared_.end() && found->second.is_data_statement &&
         found->second.timing.is_shorter_than(kPipelinedUnder);
}

// libpq's pipeline mode, with a sync after each statement so that each runs
// in an implicit transaction of its own, as it would alone. The parameters of
// a pipeline are small (the pool caps them), so sending them all before
// reading any answer cannot fill both sockets' buffers and block.
std::vector<PipelineOutcome> PostgresConnection::run_pipeline(std::span<const PipelineStatement> statements) {
  if (broken_) throw ConnectionError("the PostgreSQL connection is broken");
  std::vector<PipelineOutcome> outcomes(statements.size());
  const auto sendables = prepare_all(statements);  // outside the pipeline: a round trip only the first time
  if (PQenterPipelineMode(handle_) != 1)
    throw OperationalError("PostgreSQL refused pipeline mode: " + std::string(PQerrorMessage(handle_)));
  for (std::size_t i = 0; i < statements.size(); ++i) outcomes[i].error = sendables[i].error;
  try {
    for (std::size_t i = 0; i < statements.size(); ++i) {
      if (!sendables[i].statement) continue;
      send_prepared(sendables[i], *statements[i].sql);
      if (PQpipelineSync(handle_) != 1) throw broke(*statements[i].sql);
    }
  } catch (const ConnectionError&) {  // broken: every statement sent fails with the connection, below
  }
  // The server runs them in turn: the time between two answers is about the later one's.
  auto answered = Clock::now();
  std::vector<std::size_t> stale;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    if (!sendables[i].statement) continue;
    try {
      if (broken_) throw ConnectionError("the PostgreSQL connection broke", {.sql = *statements[i].sql});
      if (!read_pipelined(outcomes[i], *sendables[i].statement, *statements[i].sql)) stale.push_back(i);
      const auto now = Clock::now();
      sendables[i].statement->timing.note(now - answered);
      answered = now;
    } catch (const ConnectionError&) {
      outcomes[i].error = std::current_exception();
    }
  }
  if (broken_ || PQexitPipelineMode(handle_) != 1) {
    broken_ = true;
    return outcomes;  // the pool drops the connection
  }
  for (const auto i : stale) {
    try {
      outcomes[i].result = execute(*statements[i].sql, *statements[i].params);
    } catch (const Error&) {
      outcomes[i].error = std::current_exception();
    }
  }
  return outcomes;
}

// execute_many's statements inside the caller's transaction, in one round
// trip: all sent in pipeline mode, one sync, then every answer read. After a
// failure the server skips the rest up to the sync; its error is thrown and
// the caller rolls back. (While it waits to send, libpq reads what the server
// sends meanwhile, so large parameters and results cannot stall both ends.)
void PostgresConnection::execute_all(std::span<const PipelineStatement> statements) {
  if (broken_) throw ConnectionError("the PostgreSQL connection is broken");
  if (statements.empty() || !pipelinable(statements)) return Connection::execute_all(statements);
  const auto sendables = prepare_all(statements);
  for (const auto& sendable : sendables) {
    if (!sendable.error) continue;
    if (PQtransactionStatus(handle_) == PQTRANS_INERROR) statement_failed_ = true;  // a failed PREPARE aborts it
    std::rethrow_exception(sendable.error);
  }
  if (PQenterPipelineMode(handle_) != 1)
    throw OperationalError("PostgreSQL refused pipeline mode: " + std::string(PQerrorMessage(handle_)));
  for (std::size_t i = 0; i < statements.size(); ++i) send_prepared(sendables[i], *statements[i].sql);
  const auto& last = *statements.back().sql;
  if (PQpipelineSync(handle_) != 1) throw broke(last);
  const auto failure = read_answers(statements);
  ResultPtr sync(PQgetResult(handle_), &PQclear);
  if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC || PQexitPipelineMode(handle_) != 1) throw broke(last);
  if (!failure) return;
  statement_failed_ = true;
  std::rethrow_exception(failure);
}

// Only plain data statements go in a pipeline (see is_data_statement): others,
// DDL in an execute_many, run one by one as execute() runs them.
bool PostgresConnection::pipelinable(std::span<const PipelineStatement> statements) const {
  std::unordered_set<std::string_view> unprepared;
  for (const auto& statement : statements) {
    if (const auto found = prepared_.find(*statement.sql); found != prepared_.end()) {
      if (!found->second.is_data_statement) return false;
    } else if (unprepared.insert(*statement.sql).second && !is_data_statement(*statement.sql)) {
      return false;
    }
  }
  return unprepared.size() <= kStatementCacheSize;
}

std::vector<PostgresConnection::Sendable> PostgresConnection::prepare_all(
    std::span<const PipelineStatement> statements) {
  std::unordered_set<std::string_view> unprepared;
  for (const auto& statement : statements)
    if (!prepared_.contains(*statement.sql)) unprepared.insert(*statement.sql);
  // Room first: a cache cleared halfway would lose the names prepared before.
  if (prepared_.size() + unprepared.size() > kStatementCacheSize) {
    succeeded(PQexec(handle_, "DEALLOCATE ALL"), "DEALLOCATE ALL", false);
    prepared_.clear();
  }
  std::vector<Sendable> sendables(statements.size());
  for (std::size_t i = 0; i < statements.size(); ++i) {
    try {
      sendables[i].texts = postgres::to_parameters(*statements[i].params);
      sendables[i].statement = &prepared(*statements[i].sql);
    } catch (const ConnectionError&) {
      throw;
    } catch (const Error&) {
      sendables[i].error = std::current_exception();
    }
  }
  return sendables;
}

void PostgresConnection::send_prepared(const Sendable& sendable, const std::string& sql) {
  std::vector<const char*> pointers;
  pointers.reserve(sendable.texts.size());
  for (const auto& text : sendable.texts) pointers.push_back(text ? text->c_str() : nullptr);
  if (PQsendQueryPrepared(handle_, sendable.statement->name.c_str(), static_cast<int>(pointers.size()), pointers.data(),
                          nullptr, nullptr, 0) != 1)
    throw broke(sql);
}

bool PostgresConnection::read_pipelined(PipelineOutcome& outcome, Prepared& statement, const std::string& sql) {
  auto* raw = PQgetResult(handle_);
  if (!raw) throw broke(sql);
  bool fresh = true;
  try {
    auto result = succeeded(raw, sql, true);
    if (result)
      outcome.result = result_of(result.get(), statement);
    else
      fresh = false;
  } catch (const ConnectionError&) {
    throw;
  } catch (const Error&) {
    outcome.error = std::current_exception();
  }
  // One result per statement, then the end of it, then its sync's.
  if (ResultPtr extra(PQgetResult(handle_), &PQclear); extra) throw broke(sql);
  ResultPtr sync(PQgetResult(handle_), &PQclear);
  if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) throw broke(sql);
  return fresh;
}

// After a failed statement the server answers those behind it up to the sync
// with PGRES_PIPELINE_ABORTED: read, but the first error is the one to report.
std::exception_ptr PostgresConnection::read_answers(std::span<const PipelineStatement> statements) {
  std::exception_ptr failure;
  for (const auto& statement : statements) {
    auto* raw = PQgetResult(handle_);
    if (!raw) throw broke(*statement.sql);
    try {
      succeeded(raw, *statement.sql, false);
    } catch (const ConnectionError&) {
      throw;
    } catch (const Error&) {
      if (!failure) failure = std::current_exception();
    }
    if (ResultPtr end(PQgetResult(handle_), &PQclear); end) throw broke(*statement.sql);
  }
  return failure;
}

ConnectionError PostgresConnection::broke(const std::string& sql) {
  broken_ = true;
  return ConnectionError("the PostgreSQL connection broke", {.sql = sql});
}

Result PostgresConnection::outcome_of(pg_result* result, Columns columns) {
  Result outcome;
  outcome.rows = postgres::read_rows(result, columns);
  outcome.columns = std::move(columns);
  const std::string_view affected = PQcmdTuples(result);  // empty for statements that count nothing
  std::from_chars(affected.data(), affected.data() + affected.size(), outcome.rows_affected);
  return outcome;
}

std::unique_ptr<Cursor> PostgresConnection::open_cursor(const std::string& sql, const std::vector<Value>& params,
                                                        bool in_transaction) {
  // A cursor lives inside a transaction; outside one, the cursor opens its own.
  if (!in_transaction) execute("BEGIN", {});
  auto name = "starling_cursor_" + std::to_string(next_cursor_++);
  try {
    execute("DECLARE " + name + " NO SCROLL CURSOR FOR " + sql, params);
  } catch (const Error&) {
    if (!in_transaction) {
      try {
        execute("ROLLBACK", {});
      } catch (const Error&) {  // broken: the pool drops the connection
      }
    }
    throw;
  }
  return std::make_unique<PostgresCursor>(*this, std::move(name), !in_transaction);
}

bool PostgresConnection::is_alive() {
  if (broken_ || !connection_->is_open()) return false;
  // An idle connection gets nothing from the server unasked (we never LISTEN)
  // except the FATAL error a restart or pg_terminate_backend sends before it
  // closes the socket, or the close itself. Peek without consuming or
  // blocking: no round trip. Anything waiting (TLS hides which) means replace it.
  char first = 0;
  const auto got = ::recv(connection_->sock(), &first, 1, MSG_PEEK | MSG_DONTWAIT);
  const bool nothing_waiting = got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  if (!nothing_waiting) broken_ = true;
  return nothing_waiting;
}

bool PostgresConnection::in_transaction() const {
  if (broken_ || !handle_) return false;
  const auto status = PQtransactionStatus(handle_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

}  // namespace starling::db::backend

#include <starling/db/connection.hpp>
#include <starling/db/transaction.hpp>

#include "session.hpp"

#include <deque>

namespace starling::db {

using runtime::PooledConnection;
using Job = detail::Work;

awaitable<void> detail::Session::run(bool read_only, const Work& work, const runtime::PipelineEntry* /*entry*/) {
  const auto lease = co_await this->lease(read_only);
  co_await lease->run(work);
}

awaitable<std::shared_ptr<runtime::Lease>> detail::LeaseSession::lease(bool /*read_only*/) { co_return lease_; }

Queryable::Queryable(std::shared_ptr<detail::Session> session) : session_(std::move(session)) {}
Queryable::Queryable(Queryable&&) noexcept = default;
Queryable& Queryable::operator=(Queryable&&) noexcept = default;
Queryable::~Queryable() = default;

detail::Session& Queryable::session() const {
  if (!session_) throw ProgrammingError("use of a moved-from db::Connection");
  return *session_;
}

Dialect Queryable::dialect() const { return session().dialect(); }

namespace {

// What execute() answers; see ExecuteResult.
ExecuteResult execute_result(const CompiledQuery& query, backend::Result& result) {
  ExecuteResult answer;
  answer.rowcount = query.read_only ? 0 : result.rows_affected;  // PostgreSQL counts the rows a SELECT read
  if (query.returns_id) {
    // The builder's own RETURNING of the key: lastrowid, not a row the caller asked for.
    if (!result.rows.empty()) answer.lastrowid = result.rows.front()[0].as<std::int64_t>("the returned id");
    return answer;
  }
  if (query.reports_lastrowid) answer.lastrowid = result.last_insert_id;
  if (query.returning) answer.rows = std::move(result.rows);
  return answer;
}

}  // namespace

awaitable<std::vector<Row>> Queryable::fetch_all(const Statement& query) {
  const auto compiled = query.compile(session().dialect());
  std::vector<Row> rows;
  const Job job = [&](PooledConnection& connection) {
    runtime::run_statement(connection, [&] { rows = connection.backend->execute(compiled.sql, compiled.params).rows; });
  };
  const runtime::PipelineEntry entry{{&compiled.sql, &compiled.params, compiled.read_only},
                                     [&](backend::Result& result) { rows = std::move(result.rows); }};
  co_await session().run(compiled.read_only, job, &entry);
  co_return rows;
}

awaitable<std::optional<Row>> Queryable::fetch_one(const Statement& query) {
  const auto compiled = query.compile(session().dialect());
  std::optional<Row> row;
  const Job job = [&](PooledConnection& connection) {
    runtime::run_statement(connection, [&] {
      auto& backend = *connection.backend;
      // A write runs to its end: stopping it after a row would leave its changes to a reset.
      if (compiled.read_only) return void(row = backend.fetch_first(compiled.sql, compiled.params));
      if (auto rows = backend.execute(compiled.sql, compiled.params).rows; !rows.empty()) row = std::move(rows.front());
    });
  };
  const runtime::PipelineEntry entry{{&compiled.sql, &compiled.params, compiled.read_only, compiled.read_only},
                                     [&](backend::Result& result) {
                                       if (!result.rows.empty()) row = std::move(result.rows.front());
                                     }};
  co_await session().run(compiled.read_only, job, &entry);
  co_return row;
}

awaitable<Value> Queryable::fetch_val(const Statement& query, std::size_t column) {
  auto row = co_await fetch_one(query);
  if (!row) co_return Value();
  co_return (*row)[column];
}

awaitable<Value> Queryable::fetch_val(const Statement& query, std::string column) {
  auto row = co_await fetch_one(query);
  if (!row) co_return Value();
  co_return (*row)[column];
}

awaitable<ExecuteResult> Queryable::execute(const Statement& query) {
  const auto compiled = query.compile(session().dialect());
  ExecuteResult answer;
  const Job job = [&](PooledConnection& connection) {
    runtime::run_statement(connection, [&] {
      auto result = connection.backend->execute(compiled.sql, compiled.params);
      answer = execute_result(compiled, result);
    });
  };
  const runtime::PipelineEntry entry{{&compiled.sql, &compiled.params, compiled.read_only},
                                     [&](backend::Result& result) { answer = execute_result(compiled, result); }};
  co_await session().run(compiled.read_only, job, &entry);
  co_return answer;
}

awaitable<void> Queryable::execute_many(const Statement& query, const std::vector<Values>& rows) {
  const auto batches = query.compile_many(session().dialect(), rows);
  if (batches.empty()) co_return;
  std::vector<backend::PipelineStatement> statements;
  statements.reserve(batches.size());
  for (const auto& batch : batches) statements.push_back({&batch.sql, &batch.params, batch.read_only});
  const Job job = [&](PooledConnection& connection) {
    runtime::begin_level(connection);  // all or nothing
    try {
      connection.backend->execute_all(statements);  // PostgreSQL: a round trip for many
      runtime::commit_level(connection);
    } catch (const Error&) {
      try {
        runtime::rollback_level(connection);
      } catch (const Error&) {
        connection.broken = true;
      }
      throw;
    }
  };
  co_await session().run(false, job, nullptr);
}

// ---- RowStream ----

struct RowStream::State {
  std::shared_ptr<runtime::Lease> lease;
  std::unique_ptr<backend::Cursor> cursor;
  std::deque<Row> buffer;
  std::size_t batch_size = 0;
  bool exhausted = false;
};

RowStream::RowStream(std::unique_ptr<State> state) : state_(std::move(state)) {}
RowStream::RowStream(RowStream&&) noexcept = default;
RowStream& RowStream::operator=(RowStream&&) noexcept = default;

RowStream::~RowStream() {
  if (!state_ || !state_->cursor) return;
  // Closing the cursor is driver work, and must not run beside another job on
  // this connection (a transaction may hold it): the lease closes it in order.
  state_->lease->park(std::move(state_->cursor));
}

awaitable<std::optional<Row>> RowStream::next() {
  if (!state_) throw ProgrammingError("RowStream::next on a moved-from stream");
  if (state_->buffer.empty() && !state_->exhausted) {
    State& state = *state_;
    const Job job = [&state](PooledConnection&) {
      auto rows = state.cursor->fetch(state.batch_size);
      if (rows.size() < state.batch_size) state.exhausted = true;
      for (auto& row : rows) state.buffer.push_back(std::move(row));
    };
    co_await state.lease->run(job);
  }
  if (state_->buffer.empty()) co_return std::nullopt;
  Row row = std::move(state_->buffer.front());
  state_->buffer.pop_front();
  co_return row;
}

awaitable<RowStream> Queryable::iterate(const Statement& query, std::size_t batch_size) {
  const auto compiled = query.compile(session().dialect());
  auto state = std::make_unique<RowStream::State>();
  state->lease = co_await session().lease(compiled.read_only);
  state->batch_size = std::max<std::size_t>(batch_size, 1);
  RowStream::State& opened = *state;
  const Job job = [&](PooledConnection& connection) {
    runtime::run_statement(connection, [&] {  // a savepoint's RELEASE keeps the cursor open
      opened.cursor = connection.backend->open_cursor(compiled.sql, compiled.params, connection.depth > 0);
    });
  };
  co_await opened.lease->run(job);
  co_return RowStream(std::move(state));
}

// ---- transactions ----

namespace {

// The statement that opens an outermost transaction with `options` ("" = the backend's own).
std::string begin_statement(Dialect dialect, const TransactionOptions& options) {
  if (dialect == Dialect::sqlite) {
    if (options.read_only || options.deferred) return "BEGIN DEFERRED";
    return {};
  }
  std::string sql = "BEGIN";
  switch (options.isolation) {
    case Isolation::database_default: break;
    case Isolation::read_committed: sql += " ISOLATION LEVEL READ COMMITTED"; break;
    case Isolation::repeatable_read: sql += " ISOLATION LEVEL REPEATABLE READ"; break;
    case Isolation::serializable: sql += " ISOLATION LEVEL SERIALIZABLE"; break;
  }
  if (options.read_only) sql += " READ ONLY";
  return sql == "BEGIN" ? std::string() : sql;
}

bool has_options(const TransactionOptions& options) {
  return options.isolation != Isolation::database_default || options.read_only || options.deferred ||
         options.retries > 0;  // a savepoint re-run cannot cure its transaction's serialization failure
}

}  // namespace

awaitable<Transaction> Queryable::begin(TransactionOptions options) {
  const Dialect dialect = session().dialect();
  // SQLite: a read-only transaction needs no writer; it runs on a reader.
  auto lease = co_await session().lease(options.read_only && dialect == Dialect::sqlite);
  const std::string begin = begin_statement(dialect, options);
  int level = 0;
  const Job job = [&](PooledConnection& connection) {
    // Under force_rollback every transaction is a savepoint of the test's own: options cannot apply.
    const bool outermost = connection.depth == connection.base_depth;
    if (has_options(options) && !outermost)
      throw ProgrammingError(
          "transaction options (isolation, read_only, deferred, retries) apply to an outermost transaction; this one "
          "would "
          "be a savepoint inside another");
    runtime::begin_level(connection, connection.depth == 0 ? begin : std::string());
    if (options.read_only && dialect == Dialect::sqlite && connection.depth == 1) {
      connection.backend->execute("PRAGMA query_only = 1", {});
      connection.query_only = true;
    }
    level = connection.depth;
  };
  co_await lease->run(job);
  co_return Transaction(std::make_shared<detail::TransactionSession>(std::move(lease), level));
}

bool detail::is_retryable(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const Error& failure) {
    const auto& state = failure.sqlstate();
    constexpr int kSqliteBusy = 5;  // SQLITE_BUSY and its extended codes
    return state == "40001" || state == "40P01" || (failure.result_code() & 0xff) == kSqliteBusy;
  } catch (...) {
    return false;
  }
}

// ---- Connection ----

Connection::Connection(std::shared_ptr<detail::Session> session) : Queryable(std::move(session)) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

}  // namespace starling::db

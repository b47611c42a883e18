#pragma once
/// @file connection.hpp
/// The query API (fetch_all, fetch_one, fetch_val, execute, execute_many,
/// iterate, transactions), shared by Database (a pooled connection per call)
/// and Connection (one connection held for several calls).

#include <starling/db/async.hpp>
#include <starling/db/row.hpp>
#include <starling/db/statement.hpp>

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <vector>

namespace starling::db {

namespace detail {
class Session;  // where the statements run: a pool, or one held connection
}  // namespace detail

class Connection;
class Transaction;

/// Rows read a batch at a time while the caller consumes them; holds its
/// connection until destroyed. `while (auto row = co_await rows.next()) ...`
class RowStream {
 public:
  RowStream(RowStream&&) noexcept;
  RowStream& operator=(RowStream&&) noexcept;
  ~RowStream();

  /// The next row, or nullopt after the last. @throws a db::Error.
  awaitable<std::optional<Row>> next();

 private:
  friend class Queryable;
  struct State;
  explicit RowStream(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

/// What execute() reports, each figure under its own name.
struct ExecuteResult {
  /// Rows inserted, updated or deleted (0 for a statement that only reads).
  std::int64_t rowcount = 0;
  /// The new row's integer primary key after a single-row INSERT: SQLite's
  /// last_insert_rowid, on PostgreSQL the builder's `RETURNING` of the key.
  /// Empty after anything else, an upsert and a multi-row insert included
  /// (ask returning() for those), and after a db::text insert on PostgreSQL.
  std::optional<std::int64_t> lastrowid;
  /// The rows a RETURNING clause gave (empty without one).
  std::vector<Row> rows;
};

/// The isolation level of a PostgreSQL transaction. SQLite's transactions are
/// always serializable, so any level is met there.
enum class Isolation { database_default, read_committed, repeatable_read, serializable };

/// How a transaction runs: `database.transaction({.isolation = db::Isolation::serializable, .retries = 3}, fn)`.
/// Options apply to an outermost transaction; a nested one (a savepoint) refuses them.
struct TransactionOptions {
  /// PostgreSQL's `ISOLATION LEVEL`.
  Isolation isolation = Isolation::database_default;
  /// Writes are refused: PostgreSQL's `READ ONLY`; SQLite runs it on a reader
  /// connection under `PRAGMA query_only`.
  bool read_only = false;
  /// SQLite: `BEGIN DEFERRED`, taking the write lock at the first write, rather
  /// than `BEGIN IMMEDIATE` (the default, which cannot fail later on a busy lock).
  bool deferred = false;
  /// transaction(options, fn) runs `fn` again, in a new transaction, up to this
  /// many times after a failure a retry can cure: a serialization failure or
  /// deadlock (PostgreSQL 40001, 40P01) or a busy database (SQLite). Any other
  /// error, or the last retry's, is thrown.
  int retries = 0;
};

namespace detail {
/// Whether `error` is one TransactionOptions::retries retries.
bool is_retryable(const std::exception_ptr& error);
}  // namespace detail

/// What runs queries. Every call compiles the statement for the database's
/// dialect and runs it on a driver thread; the caller co_awaits it.
class Queryable {
 public:
  virtual ~Queryable();

  /// Every row of the result. @throws a db::Error (ProgrammingError names the SQL).
  awaitable<std::vector<Row>> fetch_all(const Statement& query);
  /// The first row, or nullopt when there is none.
  awaitable<std::optional<Row>> fetch_one(const Statement& query);
  /// One value of the first row (NULL when there is no row).
  /// @throws std::out_of_range when the row has no such column.
  awaitable<Value> fetch_val(const Statement& query, std::size_t column = 0);
  /// One value of the first row, by column name (NULL when there is no row).
  /// @throws std::out_of_range naming the column and listing the row's columns.
  awaitable<Value> fetch_val(const Statement& query, std::string column);
  /// Every row as a `T`, a struct described with BOOST_DESCRIBE_STRUCT: each
  /// member read from the column of its name (<starling/db/typed_rows.hpp>).
  /// @throws ProgrammingError naming a member's missing column; TypeError
  /// naming a column whose value does not fit its member.
  template <class T>
  awaitable<std::vector<T>> fetch_all(const Statement& query);
  /// The first row as a `T`, or nullopt when there is none (as fetch_all<T>).
  template <class T>
  awaitable<std::optional<T>> fetch_one(const Statement& query);
  /// Runs a statement: how many rows it changed, the new row's id, and any
  /// RETURNING rows (see ExecuteResult).
  awaitable<ExecuteResult> execute(const Statement& query);
  /// Runs one statement for each element of `rows` (named values: a db::text
  /// query's parameters, or an insert's rows), all or nothing: inside one
  /// transaction, or a savepoint when one is open. An insert sends many rows
  /// per statement; other statements are prepared once and run per element.
  awaitable<void> execute_many(const Statement& query, const std::vector<Values>& rows);
  /// Streams the rows of a query without loading the whole result; the stream
  /// keeps a connection until it is destroyed.
  awaitable<RowStream> iterate(const Statement& query, std::size_t batch_size = 500);

  /// Starts a transaction (a SAVEPOINT when one is already open on the
  /// connection). Commit or roll it back; dropped without either, it rolls back.
  /// @throws ProgrammingError for options on a nested transaction.
  awaitable<Transaction> begin(TransactionOptions options = {});
  /// Runs `fn(Connection& tx) -> awaitable<R>` inside a transaction: committed
  /// when `fn` returns, rolled back (and the exception rethrown) when it throws.
  /// Answers what `fn` returns: a block returning awaitable<std::int64_t>
  /// makes `co_await database.transaction(block)` an std::int64_t.
  template <class Fn>
  std::invoke_result_t<Fn&, Connection&> transaction(Fn fn);
  /// The same, with options; with `retries`, `fn` may run more than once.
  template <class Fn>
  std::invoke_result_t<Fn&, Connection&> transaction(TransactionOptions options, Fn fn);

  /// The SQL dialect queries compile to.
  Dialect dialect() const;

 protected:
  explicit Queryable(std::shared_ptr<detail::Session> session);
  Queryable(Queryable&&) noexcept;
  Queryable& operator=(Queryable&&) noexcept;
  /// @throws ProgrammingError on a moved-from handle.
  detail::Session& session() const;
  bool has_session() const noexcept { return session_ != nullptr; }

 private:
  std::shared_ptr<detail::Session> session_;
};

/// One connection out of the pool, held until this handle (and every
/// transaction and stream made from it) is destroyed; then it returns to the
/// pool clean. Runs one query at a time. Movable, not copyable.
class Connection : public Queryable {
 public:
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection() override;

 protected:
  friend class Database;
  explicit Connection(std::shared_ptr<detail::Session> session);
};

}  // namespace starling::db

// Transaction, and the definitions of Queryable::transaction, which need it.
#include <starling/db/transaction.hpp>  // IWYU pragma: export

#pragma once
/// @file transaction.hpp
/// Transaction: an explicit handle (C++ has no contextvars). Three forms, as in
/// the reference page:
///
///     co_await database.transaction(work);  // scoped: work is a std::function<awaitable<void>(db::Connection& tx)>
///     auto tx = co_await database.begin(); ...; co_await tx.commit();  // low level
///     Route("/x", db::transactional(database, endpoint))              // per endpoint

#include <starling/db/connection.hpp>

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace starling::db {

namespace detail {
class TransactionSession;
}  // namespace detail

/// An open transaction (or savepoint) and the connection it runs on. Queries
/// through it see its uncommitted writes. Destroyed while still active, it is
/// rolled back: never committed. Once committed or rolled back it lets go of
/// its connection (back to the pool, unless an outer transaction holds it)
/// and refuses further queries.
class Transaction : public Connection {
 public:
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction() override;

  /// Makes the work permanent (releases the savepoint when nested).
  /// @throws ProgrammingError if the transaction is no longer active; a db::Error from the database.
  awaitable<void> commit();
  /// Discards the work. Does nothing if already committed or rolled back.
  awaitable<void> rollback();
  /// Neither committed nor rolled back yet.
  bool is_active() const;

 private:
  friend class Queryable;
  explicit Transaction(std::shared_ptr<detail::Session> session);
  detail::TransactionSession& transaction() const;
};

template <class Fn>
std::invoke_result_t<Fn&, Connection&> Queryable::transaction(Fn fn) {
  return transaction(TransactionOptions{}, std::move(fn));
}

template <class Fn>
std::invoke_result_t<Fn&, Connection&> Queryable::transaction(TransactionOptions options, Fn fn) {
  using Result = typename std::invoke_result_t<Fn&, Connection&>::value_type;
  for (int attempt = 0;; ++attempt) {
    std::optional<Transaction> tx;
    std::exception_ptr failure;
    try {
      auto opened = co_await begin(options);  // SQLite: BEGIN IMMEDIATE itself may find the database busy
      tx.emplace(std::move(opened));
      Connection& connection = *tx;
      if constexpr (std::is_void_v<Result>) {
        co_await fn(connection);
        co_await tx->commit();
        co_return;
      } else {
        Result result = co_await fn(connection);
        co_await tx->commit();
        co_return result;
      }
    } catch (...) {
      failure = std::current_exception();
    }
    if (tx) {
      // A rollback that fails too (its connection is then dropped) must not hide the first error.
      try {
        co_await tx->rollback();
      } catch (const Error&) {
      }
    }
    if (attempt >= options.retries || !detail::is_retryable(failure)) std::rethrow_exception(failure);
  }
}

/// Wraps `fn(Connection& tx, args...) -> awaitable<R>` into `(args...) -> awaitable<R>`
/// that runs each call in its own transaction: committed when `fn` returns,
/// rolled back when it throws. The reference's `@database.transaction()`.
template <class Database, class Fn>
auto transactional(Database& database, Fn fn) {
  return [&database, fn = std::move(fn)](auto&&... args) -> std::invoke_result_t<Fn&, Connection&, decltype(args)...> {
    using Result = typename std::invoke_result_t<Fn&, Connection&, decltype(args)...>::value_type;
    auto tx = co_await database.begin();
    std::exception_ptr failure;
    try {
      if constexpr (std::is_void_v<Result>) {
        co_await fn(tx, args...);
        co_await tx.commit();
        co_return;
      } else {
        Result result = co_await fn(tx, args...);
        co_await tx.commit();
        co_return result;
      }
    } catch (...) {
      failure = std::current_exception();
    }
    co_await tx.rollback();
    std::rethrow_exception(failure);
  };
}

}  // namespace starling::db

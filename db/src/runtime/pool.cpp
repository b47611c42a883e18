#include "runtime/pool.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace starling::db::runtime {

namespace asio = boost::asio;

namespace {

std::string savepoint(int level) { return "starling_savepoint_" + std::to_string(level); }

}  // namespace

void begin_level(PooledConnection& connection) {
  const int level = connection.depth + 1;
  connection.backend->execute(level == 1 ? connection.backend->begin_statement() : "SAVEPOINT " + savepoint(level), {});
  connection.depth = level;
}

void commit_level(PooledConnection& connection) {
  const int level = connection.depth;
  try {
    connection.backend->execute(level == 1 ? "COMMIT" : "RELEASE SAVEPOINT " + savepoint(level), {});
    connection.depth = level - 1;
  } catch (const Error&) {
    // A failed COMMIT can leave the transaction open (SQLite when busy): end it.
    try {
      rollback_level(connection);
    } catch (const Error&) {
      connection.broken = true;
    }
    throw;
  }
}

void rollback_level(PooledConnection& connection) {
  const int level = connection.depth;
  connection.depth = level - 1;
  try {
    if (level == 1) {
      connection.backend->execute("ROLLBACK", {});
    } else {
      connection.backend->execute("ROLLBACK TO SAVEPOINT " + savepoint(level), {});
      connection.backend->execute("RELEASE SAVEPOINT " + savepoint(level), {});
    }
  } catch (const Error&) {
    // The server may still hold the transaction open: never hand this connection out again.
    connection.broken = true;
    throw;
  }
}

void roll_back_to_base(PooledConnection& connection) {
  while (connection.depth > connection.base_depth) rollback_level(connection);
}

void run_statement(PooledConnection& connection, const std::function<void()>& statement) {
  if (!connection.contain_statements || connection.depth != connection.base_depth) return statement();
  begin_level(connection);
  try {
    statement();
  } catch (const Error&) {
    rollback_level(connection);  // marks the connection broken if even that fails
    throw;
  }
  commit_level(connection);
}

// A caller waiting for a connection; the releasing thread hands it one (or the
// right to open one) and cancels its timer. The timer is only touched under
// the pool's mutex: the waiter's event loop may run on several threads.
struct Pool::Waiter {
  explicit Waiter(asio::any_io_executor executor) : timer(std::move(executor)) {}
  asio::steady_timer timer;
  std::unique_ptr<PooledConnection> connection;
  bool may_open = false;
  bool served = false;
};

Pool::Pool(PoolSettings settings, std::shared_ptr<DriverThreads> threads)
    : settings_(std::move(settings)), threads_(std::move(threads)) {}

awaitable<std::unique_ptr<PooledConnection>> Pool::open_one() {
  auto connection = std::make_unique<PooledConnection>();
  const std::function<void()> open_it = [&] {
    connection->backend = settings_.open();
    if (settings_.prepare) settings_.prepare(*connection);
  };
  co_await threads_->run(open_it);
  co_return connection;
}

void Pool::reopen(PooledConnection& connection) {
  if (connection.base_depth > 0) {
    connection.broken = true;
    throw ConnectionError("the connection to " + settings_.description +
                          " broke and its force_rollback transaction is lost");
  }
  connection.backend.reset();
  connection.depth = 0;
  try {
    connection.backend = settings_.open();
    if (settings_.prepare) settings_.prepare(connection);
  } catch (const Error&) {
    connection.broken = true;
    throw;
  }
}

awaitable<void> Pool::open() {
  std::vector<std::unique_ptr<PooledConnection>> opened;
  for (std::size_t i = 0; i < std::max<std::size_t>(settings_.min_size, 1); ++i) {
    {
      std::lock_guard lock(mutex_);
      ++size_;
    }
    try {
      opened.push_back(co_await open_one());
    } catch (...) {
      std::lock_guard lock(mutex_);
      --size_;
      throw;
    }
  }
  for (auto& connection : opened) give_back(std::move(connection));
}

awaitable<std::unique_ptr<PooledConnection>> Pool::acquire() {
  const auto executor = co_await asio::this_coro::executor;
  std::shared_ptr<Waiter> waiter;
  {
    std::lock_guard lock(mutex_);
    if (closed_) throw ConnectionError("the pool for " + settings_.description + " is closed");
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());  // the most recently used: warm caches
      idle_.pop_back();
      connection->from_idle = true;
      co_return connection;
    }
    if (size_ < settings_.max_size) {
      ++size_;
    } else {
      waiter = std::make_shared<Waiter>(executor);
      waiter->timer.expires_after(settings_.acquire_timeout);
      waiters_.push_back(waiter);
    }
  }
  if (waiter) {
    boost::system::error_code ignored;
    auto token = asio::redirect_error(asio::use_awaitable, ignored);
    // Started under the mutex, so a release just before cannot be missed.
    // (Named, not a temporary: GCC 12 destroys temporaries in a co_await twice.)
    const auto wait_for_release = [this, waiter](auto handler) {
      std::lock_guard lock(mutex_);
      waiter->timer.async_wait(std::move(handler));
      if (waiter->served) waiter->timer.cancel();
    };
    co_await asio::async_initiate<decltype(token), void(boost::system::error_code)>(wait_for_release, token);
    std::lock_guard lock(mutex_);
    if (!waiter->served) {
      std::erase(waiters_, waiter);
      if (closed_) throw ConnectionError("the pool for " + settings_.description + " closed while waiting");
      throw PoolTimeout("no database connection became free within " +
                        std::to_string(settings_.acquire_timeout.count()) + " ms (all " +
                        std::to_string(settings_.max_size) + " of " + settings_.description + " in use)");
    }
    if (waiter->connection) co_return std::move(waiter->connection);
  }
  // A slot is reserved for a new connection.
  try {
    co_return co_await open_one();
  } catch (...) {
    drop(nullptr);  // frees the slot, perhaps for a waiter
    throw;
  }
}

void Pool::release(std::unique_ptr<PooledConnection> connection) {
  if (!connection) return;
  if (connection->broken || connection->depth != connection->base_depth) {
    // Rolling back is driver work: do it on a driver thread, then give it back.
    auto self = shared_from_this();
    auto* raw = connection.release();
    threads_->post([self, raw] {
      std::unique_ptr<PooledConnection> owned(raw);
      if (!owned->broken) {
        try {
          roll_back_to_base(*owned);
        } catch (const Error&) {
          owned->broken = true;
        }
      }
      if (owned->broken) self->drop(std::move(owned));
      else self->give_back(std::move(owned));
    });
    return;
  }
  give_back(std::move(connection));
}

void Pool::give_back(std::unique_ptr<PooledConnection> connection) {
  std::unique_lock lock(mutex_);
  if (closed_) {
    lock.unlock();
    drop(std::move(connection));
    return;
  }
  if (waiters_.empty()) {
    connection->from_idle = false;
    idle_.push_back(std::move(connection));
    return;
  }
  auto waiter = waiters_.front();
  waiters_.pop_front();
  connection->from_idle = false;  // just used: no need to check it
  waiter->connection = std::move(connection);
  waiter->served = true;
  waiter->timer.cancel();
}

void Pool::drop(std::unique_ptr<PooledConnection> connection) {
  if (connection) {
    // Closing can touch the network (PostgreSQL says goodbye): a driver thread's job.
    auto* raw = connection.release();
    threads_->post([raw] { delete raw; });
  }
  std::unique_lock lock(mutex_);
  if (closed_ || waiters_.empty()) {
    --size_;
    return;
  }
  // The slot passes to the first waiter, who opens a fresh connection.
  auto waiter = waiters_.front();
  waiters_.pop_front();
  waiter->may_open = true;
  waiter->served = true;
  waiter->timer.cancel();
}

awaitable<void> Pool::close() {
  std::vector<std::unique_ptr<PooledConnection>> idle;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    idle.swap(idle_);
    size_ -= idle.size();
    for (const auto& waiter : waiters_) waiter->timer.cancel();  // unserved: they report the pool closed
  }
  const std::function<void()> close_idle = [&] {
    for (auto& connection : idle) {
      try {
        if (settings_.finish) settings_.finish(*connection);
      } catch (const Error&) {  // closing anyway
      }
    }
    idle.clear();
  };
  co_await threads_->run(close_idle);
}

PoolCounts Pool::counts() const {
  std::lock_guard lock(mutex_);
  return {size_, size_ - idle_.size(), waiters_.size()};
}

}  // namespace starling::db::runtime

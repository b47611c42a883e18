// The pool's connections coming and going: opening them (at connect, for a
// request, in place of a dead one), the sweeper that fails requests waiting
// past acquire_timeout, and closing.
#include "runtime/pool.hpp"

#include <algorithm>

namespace starling::db::runtime {

Pool::~Pool() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  sweeper_wake_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
}

void Pool::revive(PooledConnection& connection) {
  if (!connection.from_idle) return;
  connection.from_idle = false;
  if (connection.backend->is_alive()) return;
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
  const std::function<void()> open_them = [&] {
    try {
      for (std::size_t i = 0; i < std::max<std::size_t>(settings_.min_size, 1); ++i) {
        auto connection = std::make_unique<PooledConnection>();
        connection->backend = settings_.open();
        if (settings_.prepare) settings_.prepare(*connection);
        opened.push_back(std::move(connection));
      }
    } catch (...) {
      opened.clear();  // closed here, on the driver thread
      throw;
    }
  };
  co_await threads_->run(open_them);
  {
    std::lock_guard lock(mutex_);
    size_ += opened.size();
  }
  for (auto& connection : opened) give_back(std::move(connection));
}

// On a driver thread: opens a connection for the request in a free slot.
void Pool::open_for(RequestPtr request) {
  threads_->post([self = shared_from_this(), request = std::move(request)]() mutable {
    auto connection = std::make_unique<PooledConnection>();
    try {
      connection->backend = self->settings_.open();
      if (self->settings_.prepare) self->settings_.prepare(*connection);
    } catch (...) {
      request->completion->complete(std::current_exception());
      self->drop(nullptr);  // frees the slot, perhaps for the next request
      return;
    }
    if (request->work)
      self->drive(std::move(connection), std::move(request));
    else
      self->serve(std::move(connection), std::move(request));
  });
}

std::exception_ptr Pool::closed_while_waiting() const {
  return std::make_exception_ptr(ConnectionError("the pool for " + settings_.description + " closed while waiting"));
}

std::string Pool::timeout_message() const {
  return "no database connection became free within " + std::to_string(settings_.acquire_timeout.count()) +
         " ms (all " + std::to_string(settings_.max_size) + " of " + settings_.description + " in use)" +
         (settings_.timeout_hint.empty() ? "" : "; " + settings_.timeout_hint);
}

// The sweeper thread: every request waits in order of arrival with the same
// timeout, so only the oldest's deadline matters, and it sleeps until then.
// With none waiting it still wakes one timeout later while requests come and
// go (so queuing one never has to wake it: under load that is every query),
// and sleeps until woken only after a whole timeout with none queued.
void Pool::expire_waiting() {
  std::unique_lock lock(mutex_);
  std::uint64_t queued_before = queued_;
  while (!closed_) {
    std::vector<RequestPtr> expired;
    const auto now = Clock::now();
    while (!waiting_.empty() && waiting_.front()->deadline <= now) {
      expired.push_back(std::move(waiting_.front()));
      waiting_.pop_front();
    }
    if (!expired.empty()) {
      timeouts_ += expired.size();
      lock.unlock();
      for (const auto& request : expired) {
        // Made in its own statement: the temporary PoolTimeout (which shares its
        // message with the thrown copy) is gone before the caller resumes.
        auto timeout = std::make_exception_ptr(PoolTimeout(timeout_message()));
        request->completion->complete(std::move(timeout));
      }
      lock.lock();
      continue;
    }
    if (!waiting_.empty()) {
      // A copy: the wait reads it after letting go of the lock, when the request may be gone.
      const auto deadline = waiting_.front()->deadline;
      sweeper_wake_.wait_until(lock, deadline);
    } else if (queued_ != queued_before) {
      // No request queued from now on can expire before now + acquire_timeout.
      queued_before = queued_;
      sweeper_wake_.wait_until(lock, now + settings_.acquire_timeout);
    } else {
      sweeper_sleeps_until_woken_ = true;  // quiet for a whole timeout: the next request wakes it
      sweeper_wake_.wait(lock);
      sweeper_sleeps_until_woken_ = false;
    }
  }
}

awaitable<void> Pool::close() {
  std::vector<std::unique_ptr<PooledConnection>> idle;
  std::deque<RequestPtr> waiting;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    idle.swap(idle_);
    size_ -= idle.size();
    waiting.swap(waiting_);
  }
  sweeper_wake_.notify_all();
  for (const auto& request : waiting) request->completion->complete(closed_while_waiting());
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

}  // namespace starling::db::runtime

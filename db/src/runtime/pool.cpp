#include "runtime/pool.hpp"

#include <algorithm>
#include <utility>

namespace starling::db::runtime {

Pool::Pool(PoolSettings settings, std::shared_ptr<DriverThreads> threads)
    : settings_(std::move(settings)), threads_(std::move(threads)) {}

awaitable<void> Pool::run(std::shared_ptr<Pool> pool, const Work& work, const PipelineEntry* entry) {
  auto request = std::make_shared<Request>();
  request->work = &work;
  request->entry = pool->settings_.pipeline ? entry : nullptr;
  const Start start = [&](const std::shared_ptr<Completion>& completion) {
    request->completion = completion;
    pool->submit(request);
  };
  co_await wait_for(start);
}

awaitable<std::unique_ptr<PooledConnection>> Pool::acquire() {
  const auto self = shared_from_this();
  {
    std::lock_guard lock(mutex_);
    if (closed_) throw ConnectionError("the pool for " + settings_.description + " is closed");
    if (!idle_.empty()) co_return take_idle();
  }
  auto request = std::make_shared<Request>();
  const Start start = [&](const std::shared_ptr<Completion>& completion) {
    request->completion = completion;
    submit(request);
  };
  co_await wait_for(start);
  co_return std::move(request->connection);
}

// Under the lock: the most recently used idle connection (warm caches), to be
// checked before use (see revive).
std::unique_ptr<PooledConnection> Pool::take_idle() {
  auto connection = std::move(idle_.back());
  idle_.pop_back();
  connection->from_idle = true;
  return connection;
}

// Serves the request at once if it can, otherwise queues it.
void Pool::submit(RequestPtr request) {
  std::unique_lock lock(mutex_);
  if (closed_) {
    lock.unlock();
    auto closed = std::make_exception_ptr(ConnectionError("the pool for " + settings_.description + " is closed"));
    request->completion->complete(std::move(closed));  // the temporary is gone before the caller resumes
    return;
  }
  if (!idle_.empty()) {
    auto connection = take_idle();
    lock.unlock();
    return serve(std::move(connection), std::move(request));
  }
  // A connection settling after its last query comes back in a moment: better
  // than opening another (one coroutine's queries would otherwise use two).
  if (size_ < settings_.max_size && settling_.load() == 0) {
    ++size_;
    lock.unlock();
    return open_for(std::move(request));
  }
  request->deadline = Clock::now() + settings_.acquire_timeout;
  waiting_.push_back(std::move(request));
  ++queued_;
  if (!sweeper_.joinable()) sweeper_ = std::thread([this] { expire_waiting(); });
  const bool wake_sweeper = sweeper_sleeps_until_woken_;
  sweeper_sleeps_until_woken_ = false;
  lock.unlock();
  if (wake_sweeper) sweeper_wake_.notify_one();
}

// From any thread: lends the connection, or runs the work on a driver thread.
void Pool::serve(std::unique_ptr<PooledConnection> connection, RequestPtr request) {
  if (!request->work) {
    request->connection = std::move(connection);
    request->completion->complete();
    return;
  }
  auto* raw = connection.release();  // tasks are copyable; the task owns it from here
  threads_->post([self = shared_from_this(), raw, request = std::move(request)]() mutable {
    self->drive(std::unique_ptr<PooledConnection>(raw), std::move(request));
  });
}

// On a driver thread: runs the request's work (with the statements that join
// its pipeline), then the next queued work on the same connection, until none
// is left or a caller is to be lent it.
void Pool::drive(std::unique_ptr<PooledConnection> connection, RequestPtr request) {
  std::vector<Answer> answers;
  std::vector<RequestPtr> batch;
  for (;;) {
    batch.push_back(std::move(request));
    join_pipeline(*connection, batch);
    if (batch.size() == 1)
      run_alone(*connection, *batch.front(), answers);
    else
      run_pipeline(*connection, batch, answers);
    batch.clear();  // the work is gone from here
    if (connection->broken) {
      drop(std::move(connection));
      return Completion::complete_all(answers);
    }
    // The caller has its answer first; the connection settles (SQLite ends
    // its read) while the caller goes on, and the caller's next query, if it
    // comes meanwhile, waits for this connection (see submit).
    settling_.fetch_add(1);
    Completion::complete_all(answers);
    connection->backend->settle();
    request = next_or_idle(connection, true);
    if (!request) return;
    // This thread goes on with the next request, unless it is a caller to lend
    // the connection to, or other pools' tasks wait for this thread (it then
    // queues behind them).
    if (!request->work || threads_->has_waiting_tasks()) return serve(std::move(connection), std::move(request));
  }
}

void Pool::run_alone(PooledConnection& connection, const Request& request, std::vector<Answer>& answers) {
  std::exception_ptr error;
  try {
    DriverThreads::starting_job();
    revive(connection);
    (*request.work)(connection);
  } catch (const ConnectionError&) {
    connection.broken = true;
    error = std::current_exception();
  } catch (...) {
    error = std::current_exception();
  }
  if (!connection.broken) end_stray_transaction(connection, error);
  answers.push_back({request.completion, std::move(error)});
}

// The next request for a free connection; with none, the connection goes idle
// (or, once the pool is closed, is dropped) and the answer is null.
Pool::RequestPtr Pool::next_or_idle(std::unique_ptr<PooledConnection>& connection, bool settled) {
  std::unique_lock lock(mutex_);
  if (settled) settling_.fetch_sub(1);
  if (closed_) {
    lock.unlock();
    drop(std::move(connection));
    return nullptr;
  }
  connection->from_idle = false;  // just used: no need to check it
  connection->abandoned_level = 0;
  if (waiting_.empty()) {
    idle_.push_back(std::move(connection));
    return nullptr;
  }
  auto request = std::move(waiting_.front());
  waiting_.pop_front();
  return request;
}

void Pool::release(std::unique_ptr<PooledConnection> connection) {
  if (!connection) return;
  if (connection->broken || leaves_transaction_open(*connection)) {
    // Rolling back is driver work: do it on a driver thread, then give it back.
    auto* raw = connection.release();
    threads_->post([self = shared_from_this(), raw] {
      std::unique_ptr<PooledConnection> owned(raw);
      if (!owned->broken) {
        try {
          roll_back_to_base(*owned);
        } catch (const Error&) {
          owned->broken = true;
        }
      }
      if (owned->broken)
        self->drop(std::move(owned));
      else
        self->give_back(std::move(owned));
    });
    return;
  }
  give_back(std::move(connection));
}

void Pool::give_back(std::unique_ptr<PooledConnection> connection) {
  if (auto request = next_or_idle(connection)) serve(std::move(connection), std::move(request));
}

void Pool::drop(std::unique_ptr<PooledConnection> connection) {
  if (connection) {
    // Closing can touch the network (PostgreSQL says goodbye): a driver thread's job.
    auto* raw = connection.release();
    threads_->post([raw] { delete raw; });
  }
  std::unique_lock lock(mutex_);
  if (closed_ || waiting_.empty()) {
    --size_;
    return;
  }
  // The slot passes to the first waiting request, for a fresh connection.
  auto request = std::move(waiting_.front());
  waiting_.pop_front();
  lock.unlock();
  open_for(std::move(request));
}

PoolCounts Pool::counts() const {
  std::lock_guard lock(mutex_);
  // A settling connection's caller already has its answer: for callers it is free.
  return {size_, size_ - idle_.size() - settling_.load(), waiting_.size(), pipelined_.load(), timeouts_};
}

}  // namespace starling::db::runtime

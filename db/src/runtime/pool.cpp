#include "runtime/pool.hpp"

#include "runtime/completion.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace starling::db::runtime {

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
  if (connection.base_depth == 0 && connection.backend->in_transaction()) {
    connection.depth = 1;  // what a raw BEGIN opened
    rollback_level(connection);
  }
}

bool leaves_transaction_open(const PooledConnection& connection) {
  return connection.depth != connection.base_depth ||
         (connection.base_depth == 0 && connection.backend && connection.backend->in_transaction());
}

void run_contained(PooledConnection& connection, const std::function<void()>& statement) {
  begin_level(connection);
  try {
    statement();
  } catch (const Error&) {
    rollback_level(connection);  // marks the connection broken if even that fails
    throw;
  }
  commit_level(connection);
}

namespace {

// Work run through the pool (not on a lent connection) that left a transaction
// open, as a raw BEGIN does: the next caller would run inside it. Rolled back,
// and the caller told (unless its work failed anyway).
void end_stray_transaction(PooledConnection& connection, std::exception_ptr& error) {
  if (!leaves_transaction_open(connection)) return;
  try {
    roll_back_to_base(connection);
  } catch (const Error&) {
    if (!error) error = std::current_exception();
    return;
  }
  if (!error)
    error = std::make_exception_ptr(ProgrammingError(
        "a statement run through the Database left a transaction open (a raw BEGIN?); it was rolled back, as the "
        "connection goes back to the pool: use database.transaction(), database.begin() or a held "
        "database.connection()"));
}

}  // namespace

// Someone waiting for a connection: work to run on it, or (work null) a caller
// to lend it to. Completed exactly once: by the thread that serves it, by the
// sweeper past its deadline, or by close().
struct Pool::Request {
  const Work* work = nullptr;  // lives in the caller's suspended frame
  const PipelineEntry* entry = nullptr;  // the same work as a pipelinable statement, if it is one
  std::shared_ptr<Completion> completion;
  std::unique_ptr<PooledConnection> connection;  // a lent connection, handed over here
  Clock::time_point deadline;
};

Pool::Pool(PoolSettings settings, std::shared_ptr<DriverThreads> threads)
    : settings_(std::move(settings)), threads_(std::move(threads)) {}

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

awaitable<void> Pool::run(std::shared_ptr<Pool> pool, const Work& work, const PipelineEntry* entry) {
  auto request = std::make_shared<Request>();
  request->work = &work;
  request->entry = entry;
  const Start start = [&](const std::shared_ptr<Completion>& completion) {
    request->completion = completion;
    return pool->threads_->expected_wait(pool->submit(request));
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
    return Wait::park;  // lent connections are for longer work: sleep until one comes
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

// Serves the request at once if it can, otherwise queues it. Answers whether
// it is served soon: at once, or by a connection on its way back.
bool Pool::submit(RequestPtr request) {
  std::unique_lock lock(mutex_);
  if (closed_) {
    lock.unlock();
    request->completion->complete(std::make_exception_ptr(ConnectionError("the pool for " + settings_.description + " is closed")));
    return false;
  }
  if (!idle_.empty()) {
    auto connection = take_idle();
    lock.unlock();
    serve(std::move(connection), std::move(request));
    return true;
  }
  // A connection settling after its last query comes back in a moment: better
  // than opening another (one coroutine's queries would otherwise use two).
  const bool one_coming_back = settling_.load() > 0;
  if (size_ < settings_.max_size && !one_coming_back) {
    ++size_;
    lock.unlock();
    open_for(std::move(request));
    return false;
  }
  request->deadline = Clock::now() + settings_.acquire_timeout;
  waiting_.push_back(std::move(request));
  count_waiting();
  ++queued_;
  if (!sweeper_.joinable()) sweeper_ = std::thread([this] { expire_waiting(); });
  const bool wake_sweeper = sweeper_sleeps_until_woken_;
  sweeper_sleeps_until_woken_ = false;
  lock.unlock();
  if (wake_sweeper) sweeper_wake_.notify_one();
  return one_coming_back;
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

// On a driver thread: runs the request's work, then the next queued work on
// the same connection, until none is left or a caller is to be lent it.
void Pool::drive(std::unique_ptr<PooledConnection> connection, RequestPtr request) {
  std::vector<Answer> answers;
  std::vector<RequestPtr> batch;
  for (;;) {
    batch.push_back(std::move(request));
    join_pipeline(*connection, batch);
    if (batch.size() == 1) run_alone(*connection, std::move(batch.front()), answers);
    else run_pipeline(*connection, batch, answers);
    batch.clear();  // the work is gone from here
    if (connection->broken) {
      drop(std::move(connection));
      {
        std::lock_guard lock(mutex_);
        hold_or_release(answers, nullptr);
      }
      return Completion::complete_all(answers);
    }
    // The caller has its answer first, unless it may be held back (see
    // hold_or_release); the connection settles (SQLite ends its read) while
    // the caller goes on, and the caller's next query, if it comes meanwhile,
    // waits for this connection (see submit).
    settling_.fetch_add(1);
    threads_->returning_for_work();
    if (!answers.back().completion->is_parked() || !threads_->queued_callers_sleep()) Completion::complete_all(answers);
    connection->backend->settle();
    request = next_or_idle(connection, true, &answers);
    Completion::complete_all(answers);
    if (!request) return;
    // This thread goes on with the next request, unless it is a caller to lend
    // the connection to, or other pools' tasks wait for this thread (it then
    // queues behind them).
    threads_->staying_for_work();
    if (!request->work || threads_->has_waiting_tasks()) return serve(std::move(connection), std::move(request));
  }
}

void Pool::run_alone(PooledConnection& connection, RequestPtr request, std::vector<Answer>& answers) {
  std::exception_ptr error;
  try {
    const DriverThreads::JobTimer timer(*threads_);
    revive(connection);
    (*request->work)(connection);
  } catch (const ConnectionError&) {
    connection.broken = true;
    error = std::current_exception();
  } catch (...) {
    error = std::current_exception();
  }
  if (!connection.broken) end_stray_transaction(connection, error);
  answers.push_back({request->completion, std::move(error)});
}

namespace {

// How many statements share a round trip at most (more per trip served more,
// bench/README.md); the cap also bounds how long a caller waits behind others.
constexpr std::size_t kMaxPipeline = 16;
// And how many parameter bytes: all are sent before any answer is read, so
// they must fit the socket's buffers (else both ends would wait on each other).
constexpr std::size_t kMaxPipelineBytes = 32 * 1024;

std::size_t parameter_bytes(const PipelineEntry& entry) {
  std::size_t bytes = 0;
  for (const auto& value : *entry.statement.params) bytes += value.data_size();
  return bytes;
}

}  // namespace

// The queued statements right behind `batch`'s one join it, when its
// connection can pipeline them: only outside a transaction (each runs as if
// alone), and in queue order (a request behind one that cannot join waits).
// They are taken under the lock and judged after it: judging looks up each
// statement, and callers queuing meanwhile would sleep on the lock (a futex
// wait, and a wake-up for this thread to send).
void Pool::join_pipeline(const PooledConnection& connection, std::vector<RequestPtr>& batch) {
  const auto& backend = *connection.backend;
  const auto joins = [&](const Request& request) {
    return request.entry && backend.pipelines(request.entry->statement);
  };
  if (waiting_count_.load(std::memory_order_acquire) == 0 || connection.depth != 0 || connection.base_depth != 0 ||
      connection.contain_statements || !joins(*batch.front()))
    return;
  {
    std::lock_guard lock(mutex_);
    while (batch.size() < kMaxPipeline && !closed_ && !waiting_.empty() && waiting_.front()->entry) {
      batch.push_back(std::move(waiting_.front()));
      waiting_.pop_front();
    }
    count_waiting();
  }
  std::size_t bytes = parameter_bytes(*batch.front()->entry);
  std::size_t joined = 1;
  for (; joined < batch.size() && joins(*batch[joined]); ++joined) {
    bytes += parameter_bytes(*batch[joined]->entry);
    if (bytes > kMaxPipelineBytes) break;
  }
  if (joined < batch.size()) put_back(batch, joined);
}

// Requests taken from the queue that are not run now go back to its front, in
// order: ahead of those queued meanwhile (the sweeper, asleep until a later
// deadline, may fail one a moment late). A connection that went idle while
// they were out of the queue takes them now, as submit() would have given it
// them. Once the pool is closed they fail, as close() failed the others.
void Pool::put_back(std::vector<RequestPtr>& batch, std::size_t from) {
  std::vector<RequestPtr> refused;
  std::vector<std::pair<std::unique_ptr<PooledConnection>, RequestPtr>> served;
  {
    std::lock_guard lock(mutex_);
    for (auto i = batch.size(); i-- > from;) {
      if (closed_) refused.push_back(std::move(batch[i]));
      else waiting_.push_front(std::move(batch[i]));
    }
    while (!idle_.empty() && !waiting_.empty()) {
      served.emplace_back(take_idle(), std::move(waiting_.front()));
      waiting_.pop_front();
    }
    count_waiting();
  }
  batch.resize(from);
  for (auto& [connection, request] : served) serve(std::move(connection), std::move(request));
  for (const auto& request : refused) request->completion->complete(closed_while_waiting());
}

void Pool::run_pipeline(PooledConnection& connection, std::vector<RequestPtr>& batch, std::vector<Answer>& answers) {
  std::vector<backend::PipelineStatement> statements;
  for (const auto& request : batch) statements.push_back(request->entry->statement);
  std::vector<backend::PipelineOutcome> outcomes;
  std::exception_ptr failure;
  pipelined_.fetch_add(batch.size(), std::memory_order_relaxed);
  try {
    const DriverThreads::JobTimer timer(*threads_);
    revive(connection);
    outcomes = connection.backend->run_pipeline(statements);
  } catch (const ConnectionError&) {
    connection.broken = true;
    failure = std::current_exception();
  } catch (...) {
    failure = std::current_exception();
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto error = failure ? failure : outcomes[i].error;
    if (!error) {
      try {
        batch[i]->entry->take(outcomes[i].result);
      } catch (...) {
        error = std::current_exception();
      }
    }
    try {
      if (error) std::rethrow_exception(error);
    } catch (const ConnectionError&) {
      connection.broken = true;
    } catch (...) {
    }
    answers.push_back({batch[i]->completion, std::move(error)});
  }
  if (!connection.broken) {
    std::exception_ptr stray;  // none of these statements can open one; checked all the same
    end_stray_transaction(connection, stray);
    if (stray) connection.broken = true;
  }
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
    if (request->work) self->drive(std::move(connection), std::move(request));
    else self->serve(std::move(connection), std::move(request));
  });
}

// The next request for a free connection; with none, the connection goes idle
// (or, once the pool is closed, is dropped) and the answer is null.
Pool::RequestPtr Pool::next_or_idle(std::unique_ptr<PooledConnection>& connection, bool settled,
                                    std::vector<Answer>* answers) {
  std::unique_lock lock(mutex_);
  if (settled) settling_.fetch_sub(1);
  RequestPtr request;
  if (!closed_ && !waiting_.empty()) {
    request = std::move(waiting_.front());
    waiting_.pop_front();
    count_waiting();
  }
  if (answers) hold_or_release(*answers, request);
  if (closed_) {
    lock.unlock();
    drop(std::move(connection));
    return nullptr;
  }
  connection->from_idle = false;  // just used: no need to check it
  connection->abandoned_level = 0;
  if (!request) idle_.push_back(std::move(connection));
  return request;
}

// Under the lock. While callers queue and sleep (see queued_callers_sleep),
// answering each at once wakes its loop (a futex wake-up, costly on a VM)
// just to find that one answer. This thread holds the answers back instead and
// releases them together, one wake-up for many: once no more than one request
// per connection is left queued (the callers' next queries must come before
// the connections run dry), or four per connection are held (each waits a few
// statements at most). Only while this thread goes on with more work (`next`),
// which brings it back here to release them (bench/README.md has the figures).
void Pool::hold_or_release(std::vector<Answer>& answers, const RequestPtr& next) {
  if (next && next->work && waiting_.size() >= size_ && held_.size() + answers.size() <= 4 * size_ &&
      threads_->queued_callers_sleep()) {
    std::ranges::move(answers, std::back_inserter(held_));
    answers.clear();
    return;
  }
  std::ranges::move(answers, std::back_inserter(held_));  // oldest first: callers resume in order
  answers.swap(held_);
  held_.clear();
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
      if (owned->broken) self->drop(std::move(owned));
      else self->give_back(std::move(owned));
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
  count_waiting();
  lock.unlock();
  open_for(std::move(request));
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
    count_waiting();
    if (!expired.empty()) {
      lock.unlock();
      for (const auto& request : expired) request->completion->complete(std::make_exception_ptr(PoolTimeout(timeout_message())));
      lock.lock();
      continue;
    }
    if (!waiting_.empty()) {
      // A copy: the wait reads it after letting go of the lock, when the request may be gone.
      const auto deadline = waiting_.front()->deadline;
      sweeper_wake_.wait_until(lock, deadline);
    } else if (queued_ != queued_before) {
      // Requests come and go: no request queued from now on can expire before
      // now + acquire_timeout, so submit() need not wake this thread for one.
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
    count_waiting();
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

PoolCounts Pool::counts() const {
  std::lock_guard lock(mutex_);
  // A settling connection's caller already has its answer: for callers it is free.
  return {size_, size_ - idle_.size() - settling_.load(), waiting_.size(), pipelined_.load()};
}

}  // namespace starling::db::runtime

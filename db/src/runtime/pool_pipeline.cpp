// Pipelining: the statements queued behind the one a driver thread is about
// to run share its round trip (PostgreSQL's pipeline mode) or its read
// snapshot (SQLite), each with its own outcome, as if run alone.
#include "runtime/pool.hpp"

namespace starling::db::runtime {

namespace {

// How many statements share a round trip at most (more per trip served more,
// bench/README.md); the cap also bounds how long a caller waits behind others.
constexpr std::size_t kMaxPipeline = 32;
// And how many parameter bytes: all are sent before any answer is read, so
// they must fit the socket's buffers (else both ends would wait on each other).
constexpr std::size_t kMaxPipelineBytes = 32 * 1024;

std::size_t parameter_bytes(const PipelineEntry& entry) {
  std::size_t bytes = 0;
  for (const auto& value : *entry.statement.params) bytes += value.data_size();
  return bytes;
}

}  // namespace

// Only outside a transaction (each statement runs as if alone), and in queue
// order (a request behind one that cannot join waits). They are taken under
// the lock and judged after it: judging looks up each statement, and callers
// queuing meanwhile would otherwise wait on the lock.
void Pool::join_pipeline(const PooledConnection& connection, std::vector<RequestPtr>& batch) {
  const auto& backend = *connection.backend;
  const auto joins = [&](const Request& request) {
    return request.entry && backend.pipelines(request.entry->statement);
  };
  if (connection.depth != 0 || connection.base_depth != 0 || connection.contain_statements || !joins(*batch.front()))
    return;
  {
    std::lock_guard lock(mutex_);
    while (batch.size() < kMaxPipeline && !closed_ && !waiting_.empty() && waiting_.front()->entry) {
      batch.push_back(std::move(waiting_.front()));
      waiting_.pop_front();
    }
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
      if (closed_)
        refused.push_back(std::move(batch[i]));
      else
        waiting_.push_front(std::move(batch[i]));
    }
    while (!idle_.empty() && !waiting_.empty()) {
      served.emplace_back(take_idle(), std::move(waiting_.front()));
      waiting_.pop_front();
    }
  }
  batch.resize(from);
  for (auto& [connection, request] : served) serve(std::move(connection), std::move(request));
  for (const auto& request : refused) request->completion->complete(closed_while_waiting());
}

void Pool::run_pipeline(PooledConnection& connection, const std::vector<RequestPtr>& batch,
                        std::vector<Answer>& answers) {
  std::vector<backend::PipelineStatement> statements;
  for (const auto& request : batch) statements.push_back(request->entry->statement);
  std::vector<backend::PipelineOutcome> outcomes;
  std::exception_ptr failure;
  pipelined_.fetch_add(batch.size(), std::memory_order_relaxed);
  try {
    DriverThreads::starting_job();
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

}  // namespace starling::db::runtime

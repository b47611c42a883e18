#include "runtime/driver_threads.hpp"

#include "runtime/spin.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <utility>
#include <vector>

namespace starling::db::runtime {

namespace {

using Clock = std::chrono::steady_clock;

// How long a driver thread that just finished a task keeps looking for the
// next one before it sleeps. Queries come in bursts (a coroutine's next query);
// going to sleep and being woken costs more than a query.
constexpr auto kSpin = std::chrono::microseconds(200);
// After this, the spinning thread yields its core between checks: on a busy
// machine another thread (a caller, the database) needs it more.
constexpr auto kYieldAfter = std::chrono::microseconds(5);

std::int64_t ns_of(Clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
}

// When this driver thread's current job began (0 while it has none): a thread
// running the same job for longer than kStall no longer counts as running.
struct alignas(64) Runner {
  std::atomic<std::int64_t> since_ns{0};
};
thread_local Runner* t_runner = nullptr;

}  // namespace

// A plain FIFO. The thread that finishes the last busy task spins for the
// next one (queries come in bursts: a coroutine's next query) and is never
// woken for; a sleeper is woken only when no thread is spinning. At most one thread spins, and only while no other is
// busy, so the callers and the database keep the cores of a small machine. With a running limit, a task waits while
// that many threads run jobs that are not stalled; one waiting thread (the watcher) wakes when the first of them would
// turn stalled, the others sleep until woken as usual.
struct DriverThreads::Queue {
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Task> tasks;
  std::atomic<std::size_t> waiting{0};  // tasks.size(), readable without the lock
  std::atomic<std::size_t> busy{0};     // threads running a task
  std::atomic<bool> spinner{false};
  std::size_t sleepers = 0;
  std::atomic<bool> stopping{false};
  std::vector<std::shared_ptr<Completion>> idle_waiters;  // until_idle() callers
  std::size_t running_limit = 0;                          // 0: none
  std::vector<Runner> runners;                            // one per thread
  bool watching = false;                                  // a thread waits for a runner to stall

  Queue(std::size_t threads, std::size_t limit) : running_limit(limit), runners(threads) {}

  // When a task may start: now (0) while fewer than running_limit threads run
  // jobs younger than kStall, else when the first of those turns kStall old.
  std::int64_t turn_at() const {
    if (running_limit == 0) return 0;
    const auto now = ns_of(Clock::now());
    const auto stall = std::chrono::nanoseconds(kStall).count();
    std::size_t running = 0;
    std::int64_t first_stall = 0;
    for (const auto& runner : runners) {
      const auto since = runner.since_ns.load(std::memory_order_relaxed);
      if (since == 0 || now - since >= stall) continue;
      ++running;
      if (first_stall == 0 || since + stall < first_stall) first_stall = since + stall;
    }
    return running < running_limit ? 0 : first_stall;
  }

  void push(Task task) {
    std::unique_lock lock(mutex);
    tasks.push_back(std::move(task));
    waiting.store(tasks.size());
    // A watcher starts the task when a runner stalls; a runner coming back starts it before then.
    const bool wake_one = sleepers > 0 && !spinner.load() && !watching;
    lock.unlock();
    if (wake_one) wake.notify_one();
  }

  // Returns false once stopping and nothing is left.
  bool pop(Task& task, bool just_worked) {
    std::unique_lock lock(mutex);
    if (just_worked) {
      busy.fetch_sub(1);
      t_runner->since_ns.store(0, std::memory_order_relaxed);
    }
    if (tasks.empty() && busy.load() == 0)
      for (auto& waiter : std::exchange(idle_waiters, {})) waiter->complete();
    for (;;) {
      if (tasks.empty()) {
        if (stopping) return false;
        if (just_worked && !spinner.load() && busy.load() == 0) {
          just_worked = false;
          spinner.store(true);
          lock.unlock();
          spin();
          lock.lock();
          spinner.store(false);
          continue;
        }
      } else if (const auto turn = turn_at(); turn == 0) {
        break;
      } else if (!watching) {
        watching = true;
        wake.wait_until(lock, Clock::time_point(std::chrono::nanoseconds(turn)));
        watching = false;
        continue;
      }
      ++sleepers;
      wake.wait(lock);
      --sleepers;
    }
    task = std::move(tasks.front());
    tasks.pop_front();
    waiting.store(tasks.size());
    busy.fetch_add(1);
    if (running_limit > 0) t_runner->since_ns.store(ns_of(Clock::now()), std::memory_order_relaxed);
    // More work than this thread: another thread takes it, or watches for its turn.
    if (!tasks.empty() && sleepers > 0 && !watching) wake.notify_one();
    return true;
  }

  // Until a task comes, or another thread got busy (it will come back itself).
  void spin() {
    const auto stop = [this] { return waiting.load() > 0 || busy.load() > 0 || stopping.load(); };
    spin_until(stop, kSpin, kYieldAfter);
  }

  void drive(std::size_t index) {
    t_runner = &runners[index];
    Task task;
    bool just_worked = false;
    while (pop(task, just_worked)) {
      task();
      task = nullptr;
      just_worked = true;
    }
  }
};

DriverThreads::DriverThreads(std::size_t threads, std::size_t running_limit)
    : queue_(std::make_shared<Queue>(std::max<std::size_t>(threads, 1), running_limit)) {
  for (std::size_t i = 0; i < queue_->runners.size(); ++i)
    threads_.emplace_back([queue = queue_, i] { queue->drive(i); });
}

DriverThreads::~DriverThreads() {
  {
    std::lock_guard lock(queue_->mutex);
    queue_->stopping = true;
  }
  queue_->wake.notify_all();
  const bool on_own_thread = std::ranges::any_of(
      threads_, [](const std::thread& thread) { return thread.get_id() == std::this_thread::get_id(); });
  for (auto& thread : threads_) {
    // A thread cannot join itself, and the others wait for the task running
    // this destructor: let them all end when the remaining work is done.
    if (on_own_thread)
      thread.detach();
    else
      thread.join();
  }
}

awaitable<void> DriverThreads::until_idle() {
  const Start start = [this](const std::shared_ptr<Completion>& completion) {
    std::lock_guard lock(queue_->mutex);
    if (queue_->tasks.empty() && queue_->busy.load() == 0)
      completion->complete();
    else
      queue_->idle_waiters.push_back(completion);
  };
  co_await wait_for(start);
}

void DriverThreads::post(Task task) { queue_->push(std::move(task)); }

bool DriverThreads::has_waiting_tasks() const { return queue_->waiting.load(std::memory_order_acquire) > 0; }

void DriverThreads::starting_job() {
  if (t_runner) t_runner->since_ns.store(ns_of(Clock::now()), std::memory_order_relaxed);
}

awaitable<void> DriverThreads::run(const std::function<void()>& job) {
  const Start start = [this, &job](const std::shared_ptr<Completion>& completion) {
    post([&job, completion] {
      std::exception_ptr error;
      try {
        job();
      } catch (...) {
        error = std::current_exception();
      }
      completion->complete(std::move(error));
    });
  };
  co_await wait_for(start);
}

}  // namespace starling::db::runtime

#include "runtime/completion.hpp"

#include "runtime/spin.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <utility>

namespace starling::db::runtime {

namespace asio = boost::asio;

namespace {

using Clock = std::chrono::steady_clock;

// How long one look spins before letting the caller's other handlers run.
constexpr auto kSpinPerPoll = std::chrono::microseconds(2);

// The callers waiting on one thread. At most one of them polls: with many
// queries in flight the loop has their resumptions to run, and a spinning look
// per query would crowd them out and take the cores the driver threads need.
// Shared, so that a loop run by several threads can end a wait on another one.
struct ThreadWaits {
  std::atomic<int> waiting{0};
  std::atomic<bool> polling{false};
};
thread_local const auto t_waits = std::make_shared<ThreadWaits>();

template <class Handler>
class CompletionFor final : public Completion, public std::enable_shared_from_this<CompletionFor<Handler>> {
 public:
  explicit CompletionFor(Handler handler)
      : Completion(true), handler_(std::move(handler)), work_(asio::make_work_guard(asio::get_associated_executor(handler_))) {}

  // Called once the work has started; from then on complete() may come at any time.
  void begin_waiting(Wait wait) {
    waits_ = t_waits;
    const bool alone = waits_->waiting.fetch_add(1) == 0;
    const bool poll = wait == Wait::poll || (wait == Wait::poll_if_alone && alone);
    if (poll && !waits_->polling.exchange(true)) {
      post_poll(Clock::now());
      return;
    }
    int expected = polling;
    if (!state_.compare_exchange_strong(expected, parked)) post_resume();  // already done
  }

 private:
  void post_poll(Clock::time_point since) {
    asio::post(work_.get_executor(), [self = this->shared_from_this(), since] { self->poll(since); });
  }

  // On the caller's executor: a short spin here, then the handlers queued
  // behind this one get their turn before the next look.
  void poll(Clock::time_point since) {
    const auto is_done = [this] { return state_.load(std::memory_order_acquire) == done; };
    // With other callers waiting on this thread, their resumptions may be
    // queued behind this handler: look once and let them run (a spin would
    // hold them up while the loop is the busiest thread; bench/README.md).
    const bool alone = waits_->waiting.load(std::memory_order_relaxed) == 1;
    if (!spin_until(is_done, alone ? kSpinPerPoll : std::chrono::microseconds(0))) {
      if (Clock::now() - since < kPollBudget) return post_poll(since);
      waits_->polling.store(false);
      int expected = polling;
      if (state_.compare_exchange_strong(expected, parked)) return;  // complete() posts the resumption
    } else {
      waits_->polling.store(false);
    }
    resume();
  }

  // This thread counts as work for the caller's loop until it is out of
  // asio::post: the resumption may run before then, and the loop, out of work,
  // be destroyed while asio::post still signals its condition variable.
  // Whichever side is last to let go ends the loop's run, under its lock.
  void post_resume() override {
    const auto posting = work_;
    asio::post(posting.get_executor(), [self = this->shared_from_this()] { self->resume(); });
  }

  bool shares_executor_with(const Completion& other) const override {
    const auto* same_kind = dynamic_cast<const CompletionFor*>(&other);
    return same_kind && same_kind->work_.get_executor() == work_.get_executor();
  }

  // One handler resumes them all, in order. A caller's coroutine that fails
  // does not cut this short: asio keeps what its completion handler throws
  // until this handler is done, then rethrows it from the loop's run.
  void post_resume_of(std::vector<std::shared_ptr<Completion>> group) override {
    const auto posting = work_;
    asio::post(posting.get_executor(), [group = std::move(group)] {
      for (const auto& completion : group) same_kind(*completion).resume();
    });
  }

  static CompletionFor& same_kind(Completion& completion) { return static_cast<CompletionFor&>(completion); }

  void resume() {
    std::exchange(waits_, nullptr)->waiting.fetch_sub(1);
    auto work = std::move(work_);  // the caller's loop may run out of work once this returns
    std::move(handler_)(std::move(error_));  // the error lives on with the caller only
  }

  std::shared_ptr<ThreadWaits> waits_;  // of the thread the wait began on
  Handler handler_;
  asio::executor_work_guard<asio::associated_executor_t<Handler>> work_;
};

}  // namespace

void Completion::complete(std::exception_ptr error) {
  error_ = std::move(error);
  if (state_.exchange(done, std::memory_order_acq_rel) == parked) post_resume();
}

void Completion::complete_all(std::vector<Answer>& answers) {
  std::vector<std::shared_ptr<Completion>> sleeping;  // to be resumed by a post; the others poll
  for (auto& [completion, error] : answers) {
    completion->error_ = std::move(error);
    if (completion->state_.exchange(done, std::memory_order_acq_rel) == parked) sleeping.push_back(std::move(completion));
  }
  answers.clear();
  // One group per executor, each in the callers' order (a handful of executors at most).
  while (!sleeping.empty()) {
    std::vector<std::shared_ptr<Completion>> group, others;
    for (auto& completion : sleeping)
      (group.empty() || group.front()->shares_executor_with(*completion) ? group : others).push_back(std::move(completion));
    auto* first = group.front().get();
    if (group.size() == 1) first->post_resume();
    else first->post_resume_of(std::move(group));
    sleeping.swap(others);
  }
}

awaitable<void> wait_for(const Start& start) {
  auto initiate = [&start](auto handler) {
    auto completion = std::make_shared<CompletionFor<decltype(handler)>>(std::move(handler));
    completion->begin_waiting(start(completion));
  };
  // Returned, not awaited here: one coroutine frame fewer. `start` lives in the
  // awaiting caller's frame, which outlasts the initiation.
  return asio::async_initiate<const asio::use_awaitable_t<>, void(std::exception_ptr)>(initiate, asio::use_awaitable);
}

}  // namespace starling::db::runtime

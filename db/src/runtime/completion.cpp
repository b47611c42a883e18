#include "runtime/completion.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <utility>

namespace starling::db::runtime {

namespace asio = boost::asio;

namespace {

template <class Handler>
class CompletionFor final : public Completion, public std::enable_shared_from_this<CompletionFor<Handler>> {
 public:
  explicit CompletionFor(Handler handler)
      : handler_(std::move(handler)), work_(asio::make_work_guard(asio::get_associated_executor(handler_))) {}

 private:
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
      for (const auto& completion : group) static_cast<CompletionFor&>(*completion).resume();
    });
  }

  void resume() {
    auto work = std::move(work_);            // the caller's loop may run out of work once this returns
    std::move(handler_)(std::move(error_));  // the error lives on with the caller only
  }

  Handler handler_;
  asio::executor_work_guard<asio::associated_executor_t<Handler>> work_;
};

}  // namespace

void Completion::complete(std::exception_ptr error) {
  error_ = std::move(error);
  post_resume();
}

void Completion::complete_all(std::vector<Answer>& answers) {
  std::vector<std::shared_ptr<Completion>> waiting;
  for (auto& [completion, error] : answers) {
    completion->error_ = std::move(error);
    waiting.push_back(std::move(completion));
  }
  answers.clear();
  // One group per executor, each in the callers' order (a handful of executors at most).
  while (!waiting.empty()) {
    std::vector<std::shared_ptr<Completion>> group, others;
    for (auto& completion : waiting)
      (group.empty() || group.front()->shares_executor_with(*completion) ? group : others)
          .push_back(std::move(completion));
    auto* first = group.front().get();
    if (group.size() == 1)
      first->post_resume();
    else
      first->post_resume_of(std::move(group));
    waiting.swap(others);
  }
}

awaitable<void> wait_for(const Start& start) {
  auto initiate = [&start](auto handler) {
    start(std::make_shared<CompletionFor<decltype(handler)>>(std::move(handler)));
  };
  // Returned, not awaited here: one coroutine frame fewer. `start` lives in the
  // awaiting caller's frame, which outlasts the initiation.
  return asio::async_initiate<const asio::use_awaitable_t<>, void(std::exception_ptr)>(initiate, asio::use_awaitable);
}

}  // namespace starling::db::runtime

#include <starling/background.hpp>
#include <starling/logging.hpp>

#include "app/exception_info.hpp"
#include "blocking.hpp"

namespace starling {

namespace detail {

awaitable<void> run_void_in_threadpool(std::function<void()> fn) {
  std::function<bool()> work = [fn = std::move(fn)] {
    fn();
    return true;
  };
  co_await run_blocking<bool>(std::move(work));
}

}  // namespace detail

awaitable<void> BackgroundTasks::run() {
  auto tasks = std::move(tasks_);
  tasks_.clear();
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    std::exception_ptr error;
    try {
      co_await tasks[i]();
    } catch (...) {
      error = std::current_exception();
    }
    if (!error) continue;
    const auto chain = app::describe_exception(error);
    log::error("Background task " + std::to_string(i + 1) + " of " + std::to_string(tasks.size()) +
               " failed: " + chain.front().type + ": " + chain.front().message);
  }
}

}  // namespace starling

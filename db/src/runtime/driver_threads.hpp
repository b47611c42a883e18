#pragma once
// The threads a Database owns: every driver call runs here, never on the
// caller's event loop, and the caller co_awaits the result.

#include <starling/db/async.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace starling::db::runtime {

class DriverThreads {
 public:
  explicit DriverThreads(std::size_t threads);
  /// Joins the threads; destroyed on one of them (the last connection went back
  /// from a driver job), it lets them finish on their own instead.
  ~DriverThreads();
  DriverThreads(const DriverThreads&) = delete;
  DriverThreads& operator=(const DriverThreads&) = delete;

  /// Runs `job` on a driver thread and resumes the caller on its own executor
  /// once it is done, rethrowing what `job` threw. `job` is used in place: the
  /// caller's frame, where it lives, stays suspended until then.
  awaitable<void> run(const std::function<void()>& job);

  template <class T>
  awaitable<T> run(const std::function<T()>& job) {
    std::optional<T> result;
    const std::function<void()> store = [&] { result.emplace(job()); };
    co_await run(store);
    co_return std::move(*result);
  }

  /// Runs `job` on a driver thread without waiting for it (`job` must not throw).
  void post(std::function<void()> job);

 private:
  using Context = boost::asio::io_context;
  std::shared_ptr<Context> context_;  // shared with the threads: outlives a detached one
  boost::asio::executor_work_guard<Context::executor_type> work_;
  std::vector<std::thread> threads_;
};

}  // namespace starling::db::runtime

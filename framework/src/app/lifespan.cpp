#include <starling/logging.hpp>

#include "app/app_impl.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace starling {

namespace asio = boost::asio;

// A one-shot signal between coroutines on one executor: a timer that never
// expires by itself and is cancelled to wake its waiter.
class Event {
 public:
  explicit Event(const asio::any_io_executor& executor) : timer_(executor, asio::steady_timer::time_point::max()) {}
  void notify() {
    notified_ = true;
    timer_.cancel();
  }
  awaitable<void> wait() {
    if (notified_) co_return;
    boost::system::error_code ignored;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }

 private:
  asio::steady_timer timer_;
  bool notified_ = false;
};

// A lifespan function running between App::startup() and App::shutdown().
struct LifespanRun {
  explicit LifespanRun(const asio::any_io_executor& ex) : executor(ex), progressed(ex), stopping(ex), finished(ex) {}
  asio::any_io_executor executor;
  Event progressed;  // serve() reached, or the lifespan ended early
  Event stopping;    // shutdown() asked serve() to return
  Event finished;
  bool serving = false;
  bool done = false;
  std::exception_ptr error;
};

awaitable<void> App::startup() {
  auto& options = impl_->options;
  if (!options.lifespan) {
    for (const auto& hook : options.on_startup) co_await hook();
    co_return;
  }
  auto run = std::make_shared<LifespanRun>(co_await asio::this_coro::executor);
  impl_->lifespan_run = run;
  Serve serve = [run]() -> awaitable<void> {
    run->serving = true;
    run->progressed.notify();
    co_await run->stopping.wait();
  };
  asio::co_spawn(run->executor, options.lifespan(*this, serve), [run](std::exception_ptr error) {
    run->error = std::move(error);
    run->done = true;
    run->progressed.notify();
    run->finished.notify();
  });
  co_await run->progressed.wait();
  if (run->error) {
    impl_->lifespan_run.reset();
    std::rethrow_exception(run->error);
  }
}

awaitable<void> App::shutdown() {
  auto& options = impl_->options;
  if (!options.lifespan) {
    // Reverse order: what started last depends on what started first.
    for (auto it = options.on_shutdown.rbegin(); it != options.on_shutdown.rend(); ++it) co_await (*it)();
    co_return;
  }
  auto run = std::exchange(impl_->lifespan_run, nullptr);
  if (!run) co_return;
  run->stopping.notify();
  co_await run->finished.wait();
  if (run->error) std::rethrow_exception(run->error);
}

}  // namespace starling

// Server: the event-loop threads, startup and graceful shutdown, signals.
#include <starling/server.hpp>

#include "blocking.hpp"
#include "listener.hpp"
#include "server_state.hpp"

#include <starling/application.hpp>
#include <starling/logging.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_future.hpp>

#include <csignal>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace starling {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using server::Loop;

namespace {

using WorkGuard = asio::executor_work_guard<asio::io_context::executor_type>;

// The server whose loop runs on this thread: stop() called from an endpoint
// must not block the very loop it waits for.
thread_local const void* current_server = nullptr;

std::size_t thread_count(std::size_t requested) {
  if (requested != 0) return requested;
  const auto cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : cores;
}

std::string display_address(const std::string& host, std::uint16_t port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace

struct Server::Impl {
  enum class Phase { idle, starting, running, stopping, stopped };

  Impl(App& app, ServerOptions options) : state(app, std::move(options)) {}

  // Declaration order is destruction order reversed: the listener goes before
  // the loops whose context it uses, the loops before the state their sessions use.
  server::ServerState state;
  std::vector<std::unique_ptr<Loop>> loops;
  std::vector<WorkGuard> guards;
  std::vector<std::thread> threads;
  std::unique_ptr<server::Listener> listener;
  std::atomic<std::uint16_t> port{0};

  std::mutex mutex;
  std::condition_variable changed;
  Phase phase = Phase::idle;
  asio::io_context* signals = nullptr;  ///< run()'s signal loop, woken by stop()
  std::thread stopper;                  ///< stops the server when stop() came from a loop thread

  const ServerOptions& options() const { return state.options; }

  void set_phase(Phase next) {
    std::lock_guard lock(mutex);
    phase = next;
    changed.notify_all();
  }

  void start_loops() {
    const std::size_t count = thread_count(options().threads);
    for (std::size_t i = 0; i < count; ++i) {
      loops.push_back(std::make_unique<Loop>());
      guards.push_back(asio::make_work_guard(loops.back()->context));
    }
    for (auto& loop : loops) threads.emplace_back([this, &context = loop->context] { run_loop(context); });
  }

  void run_loop(asio::io_context& context) {
    current_server = this;
    for (;;) {
      try {
        context.run();
        return;
      } catch (const std::exception& e) {
        // Sessions catch their own errors; this is a handler outside any session.
        log::error(std::string("event loop error: ") + e.what());
      }
    }
  }

  // Only once nothing is in flight (or the shutdown timeout gave up on it).
  void stop_loops() noexcept {
    guards.clear();
    for (auto& loop : loops) loop->context.stop();
    for (auto& thread : threads)
      if (thread.joinable()) thread.join();
    threads.clear();
    // A blocking call still on the worker pool (a background task past the
    // shutdown timeout) will post its answer to its loop: the loops stay until
    // it has, or are left to the process rather than freed under it.
    if (!detail::wait_for_blocking_calls(options().shutdown_timeout)) {
      log::warning("blocking work still running on the worker pool after the shutdown timeout; its loops are kept");
      for (auto& loop : loops) (void)loop.release();
      loops.clear();
    }
  }

  // Startup and shutdown hooks run on the first loop, so whatever they start
  // (timers, connections) lives on a running loop; the caller waits for them.
  void run_hook(bool startup) {
    App& app = state.app;
    auto done = asio::co_spawn(
        loops.front()->context,
        [&app, startup]() -> awaitable<void> {
          if (startup) {
            co_await app.startup();
          } else {
            co_await app.shutdown();
          }
        },
        asio::use_future);
    done.get();
  }

  tcp::endpoint endpoint() {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(options().host, ec);
    if (!ec) return {address, options().port};
    tcp::resolver resolver(loops.front()->context);
    const auto results = resolver.resolve(options().host, std::to_string(options().port));
    if (results.empty()) throw std::runtime_error("no address for " + options().host);
    return results.begin()->endpoint();
  }

  void listen() {
    std::vector<Loop*> targets;
    for (auto& loop : loops) targets.push_back(loop.get());
    listener = std::make_unique<server::Listener>(state, std::move(targets), endpoint());
    port = listener->port();
    listener->start();
  }

  void close_connections(bool idle_only) {
    for (auto& loop : loops) {
      asio::post(loop->context, [loop = loop.get(), idle_only] {
        loop->for_each_connection([idle_only](server::Connection& connection) {
          if (idle_only) {
            connection.close_if_idle();
          } else {
            connection.close();
          }
        });
      });
    }
  }

  void shutdown() noexcept;
};

void Server::Impl::shutdown() noexcept {
  // stopping is set before the closes are posted: a session that becomes idle
  // after its loop ran the post sees the flag and closes by itself.
  state.stopping.store(true);
  if (listener) listener->close();
  close_connections(/*idle_only=*/true);
  if (!state.wait_drained(options().shutdown_timeout)) {
    log::warning(std::to_string(state.connections()) + " connection(s) and " +
                 std::to_string(state.background_tasks()) +
                 " response(s) with background tasks still busy after the shutdown timeout; closing them");
    close_connections(/*idle_only=*/false);
    state.wait_drained(std::chrono::milliseconds(200));
  }
  try {
    run_hook(/*startup=*/false);
  } catch (const std::exception& e) {
    log::error(std::string("Shutdown failed: ") + e.what());
  } catch (...) {
    log::error("Shutdown failed: unknown error");
  }
  stop_loops();
  set_phase(Phase::stopped);
  log::write(log::Level::info, "Starling stopped", {{"event", "shutdown"}});
}

Server::Server(App& app, ServerOptions options) : impl_(std::make_unique<Impl>(app, std::move(options))) {}

Server::~Server() {
  try {
    stop();
    wait();
  } catch (...) {
  }
  if (impl_->stopper.joinable()) impl_->stopper.join();
}

void Server::start() {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->phase != Impl::Phase::idle) throw std::logic_error("Server::start() called twice");
    impl_->phase = Impl::Phase::starting;
  }
  try {
    impl_->start_loops();
    impl_->run_hook(/*startup=*/true);
  } catch (...) {
    impl_->stop_loops();  // nothing listens yet: no connection can be in flight
    impl_->set_phase(Impl::Phase::stopped);
    throw;
  }
  const auto address = display_address(impl_->options().host, impl_->options().port);
  try {
    impl_->listen();
  } catch (const std::exception& e) {
    const std::string message = "cannot listen on " + address + ": " + e.what();
    impl_->shutdown();  // the startup hooks ran, so the shutdown hooks must too
    throw std::runtime_error(message);
  }
  impl_->set_phase(Impl::Phase::running);
  const std::string url = "http://" + display_address(impl_->options().host, port());
  const auto threads = static_cast<std::int64_t>(impl_->loops.size());
  log::write(log::Level::info, "Starling serving on " + url + " (" + std::to_string(threads) + " threads)",
             {{"event", "startup"}, {"url", url}, {"threads", threads}});
}

std::uint16_t Server::port() const { return impl_->port.load(); }

void Server::stop() {
  std::unique_lock lock(impl_->mutex);
  if (impl_->signals) impl_->signals->stop();
  impl_->changed.wait(lock, [this] { return impl_->phase != Impl::Phase::starting; });
  if (impl_->phase != Impl::Phase::running) {
    const bool on_loop = current_server == impl_.get();
    if (impl_->phase == Impl::Phase::stopping && !on_loop)
      impl_->changed.wait(lock, [this] { return impl_->phase == Impl::Phase::stopped; });
    return;
  }
  impl_->phase = Impl::Phase::stopping;
  // Set here, not only in shutdown(): the response the calling endpoint is
  // about to send already says Connection: close.
  impl_->state.stopping.store(true);
  if (current_server == impl_.get()) {
    // Called from an endpoint: waiting here would block a loop the shutdown
    // waits for, so another thread does it.
    impl_->stopper = std::thread([impl = impl_.get()] { impl->shutdown(); });
    return;
  }
  lock.unlock();
  impl_->shutdown();
}

void Server::wait() {
  std::unique_lock lock(impl_->mutex);
  impl_->changed.wait(lock,
                      [this] { return impl_->phase == Impl::Phase::idle || impl_->phase == Impl::Phase::stopped; });
}

int Server::run() {
  // Installed before start(): a signal arriving once the port is open must
  // find the handler in place, not the default action that kills the process.
  asio::io_context signal_loop(1);
  asio::signal_set signals(signal_loop, SIGINT, SIGTERM);
  try {
    start();
  } catch (const std::exception& e) {
    log::error(std::string("Startup failed: ") + e.what());
    return 1;
  } catch (...) {
    log::error("Startup failed: unknown error");
    return 1;
  }
  // One handler for every signal: the first starts the shutdown; while the
  // requests in flight finish, a second one (two in all, whoever began the
  // shutdown) ends the process at once: an operator who asks twice will not wait.
  int received = 0;
  std::function<void(const boost::system::error_code&, int)> on_signal = [&](const boost::system::error_code& ec,
                                                                             int number) {
    if (ec) return;
    const std::string name = number == SIGINT ? "SIGINT" : "SIGTERM";
    if (++received >= 2) {
      log::warning(name + " received again: exiting without waiting for the requests in flight");
      std::_Exit(1);
    }
    log::info(name + " received, shutting down");
    signals.async_wait(on_signal);
  };
  signals.async_wait(on_signal);
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->phase == Impl::Phase::running) {
      impl_->signals = &signal_loop;
    } else {
      signal_loop.stop();  // stop() came first
    }
  }
  // A signal, or stop() from elsewhere. Asio may first run its own handler
  // that reads the signal: run until ours ran, so its line precedes the shutdown's.
  while (received == 0 && signal_loop.run_one() > 0) {
  }
  {
    std::lock_guard lock(impl_->mutex);
    impl_->signals = nullptr;
  }
  signal_loop.restart();
  std::thread signal_thread([&signal_loop] { signal_loop.run(); });
  std::exception_ptr failure;
  try {
    stop();
    wait();
  } catch (...) {
    failure = std::current_exception();
  }
  asio::post(signal_loop, [&signals] { signals.cancel(); });
  signal_thread.join();
  if (failure) std::rethrow_exception(failure);
  return 0;
}

int serve(App& app, ServerOptions options) { return Server(app, std::move(options)).run(); }

}  // namespace starling

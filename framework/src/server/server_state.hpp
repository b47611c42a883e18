#pragma once
// What every connection of a server shares: the app, the options, the shutdown
// flag and the connection count; and the event loops connections live on.

#include <starling/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/intrusive/list.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace starling::server {

/// What the server may ask of a live connection while it shuts down.
class Connection : public boost::intrusive::list_base_hook<boost::intrusive::link_mode<boost::intrusive::auto_unlink>> {
 public:
  virtual ~Connection() = default;
  /// Closes the connection if it waits for a request (or lingers after its last one).
  virtual void close_if_idle() = 0;
  /// Closes the connection whatever it is doing.
  virtual void close() = 0;
};

/// Live connections of one loop; touched only from that loop's thread.
using ConnectionList = boost::intrusive::list<Connection, boost::intrusive::constant_time_size<false>>;

/// One event loop: an io_context run by exactly one thread, and its connections.
/// A connection lives on one loop for its whole life, so it needs no strand or lock.
struct Loop {
  // Declared before the context: destroying the context destroys the pending
  // coroutines of its connections, which unlink themselves from this list.
  ConnectionList connections;
  boost::asio::io_context context{1};

  /// Runs `action` on every live connection of this loop (call on its thread).
  template <class Action>
  void for_each_connection(Action action) {
    for (auto it = connections.begin(); it != connections.end();) {
      Connection& connection = *it++;  // `action` may unlink it
      action(connection);
    }
  }
};

/// State shared by every connection of a server, on every loop.
class ServerState {
 public:
  ServerState(App& app, ServerOptions options);

  App& app;
  const ServerOptions options;
  /// How often a connection's watchdog looks at its deadline: the shortest timeout,
  /// so a deadline moved earlier is still honoured on time.
  const std::chrono::milliseconds tick;
  /// Set once when the server starts shutting down; responses then close their connection.
  std::atomic<bool> stopping{false};

  /// Counts an accepted connection; false when it is over max_connections.
  bool connection_opened() noexcept;
  /// Counts a connection's end (from its destructor).
  void connection_closed() noexcept;
  std::size_t connections() const noexcept { return connections_.load(); }
  /// Counts a response's background tasks, from start to end: a graceful
  /// shutdown waits for them as for connections.
  void background_started() noexcept { background_.fetch_add(1); }
  void background_finished() noexcept;
  std::size_t background_tasks() const noexcept { return background_.load(); }
  /// Blocks until no connection and no background task is left, or `timeout`
  /// passed; true when none is left.
  bool wait_drained(std::chrono::milliseconds timeout);

 private:
  void notify_if_drained() noexcept;
  std::atomic<std::size_t> connections_{0};
  std::atomic<std::size_t> background_{0};
  std::mutex mutex_;
  std::condition_variable drained_;
};

}  // namespace starling::server

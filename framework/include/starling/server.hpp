#pragma once
/// @file server.hpp
/// The HTTP/1.1 server (Boost.Beast underneath; no Beast type shows here).

#include <starling/types.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace starling {

/// Server settings. Every limit has a default fit for production.
struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;                           ///< 0 picks a free port (see Server::port)
  std::size_t threads = 0;                             ///< event-loop threads; 0 = one per core
  std::size_t max_header_size = 16 * 1024;             ///< request line + headers → 431
  std::size_t max_header_fields = 100;                 ///< header fields in a request → 431
  std::size_t max_connections = 10000;                 ///< beyond it: 503 and close
  std::chrono::milliseconds header_timeout{10000};     ///< to receive a request's head (408 once it began)
  std::chrono::milliseconds body_timeout{30000};       ///< between two pieces of a body (408; limit: AppOptions)
  std::chrono::milliseconds keep_alive_timeout{5000};  ///< idle time between requests
  std::chrono::milliseconds write_timeout{30000};      ///< to send a response
  std::chrono::milliseconds shutdown_timeout{10000};   ///< for in-flight requests on stop
  /// A WebSocket silent this long is pinged at half of it and closed at the end of it.
  std::chrono::milliseconds websocket_idle_timeout{60000};
  /// One line per request at info level:
  /// `127.0.0.1:50312 "GET /notes?limit=2 HTTP/1.1" 200 48 0.31ms` (client,
  /// request line, status, body bytes sent, duration; then `id=...` with
  /// RequestIDMiddleware). With log::Format::json, a JSON line whose members
  /// are type "access", method, path, route (the template), status, bytes,
  /// duration_ms, client and request_id.
  bool access_log = true;
  /// The Server header added to responses that have none; empty: none.
  /// Server's constructor refuses one with CR, LF or NUL.
  std::string server_header = "Starling";
};

/// Serves an App over HTTP. Startup hooks run before it accepts; shutdown hooks
/// after in-flight requests finished (or the shutdown timeout passed).
class Server {
 public:
  Server(App& app, ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Runs the startup hooks, binds, and starts serving on background threads.
  /// @throws the startup hook's exception, or std::runtime_error naming the address.
  void start();
  /// The bound port (useful with port 0). Valid after start().
  std::uint16_t port() const;
  /// Graceful stop: stop accepting, finish in-flight requests within the shutdown
  /// timeout, run the shutdown hooks, join the threads. Safe to call twice.
  void stop();
  /// Blocks until the server has stopped.
  void wait();
  /// start(), then serve until SIGINT/SIGTERM, then stop(). Returns the exit code:
  /// 0 after a clean stop, 1 when startup failed (the error is printed). A second
  /// SIGINT/SIGTERM while the requests in flight finish ends the process at once
  /// (std::_Exit(1)) instead of after shutdown_timeout.
  int run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// `Server(app, options).run()`.
int serve(App& app, ServerOptions options = {});

}  // namespace starling

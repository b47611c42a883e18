#pragma once
// One HTTP/1.x connection: reads requests one after another (pipelined ones
// included), hands each to the app, writes the responses in order.

#include "client_connection.hpp"
#include "convert.hpp"
#include "request_parser.hpp"
#include "server_state.hpp"
#include "websocket_channel.hpp"

#include <starling/request.hpp>
#include <starling/responses.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace starling::server {

/// Serves one accepted connection on `loop` until it closes. A `rejected`
/// connection (over max_connections) is answered 503 and closed.
/// Call on any thread; the session runs on `loop`'s thread.
void start_session(boost::asio::ip::tcp::socket socket, ServerState& state, Loop& loop, bool rejected);

/// A connection's coroutine and its per-connection buffers, reused across requests.
class Session final : public Connection, public detail::ClientConnection, public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, ServerState& state, Loop& loop);
  ~Session() override;

  /// The connection's whole life. Never throws.
  awaitable<void> run(bool rejected);
  /// Times out reads and writes (see set_deadline). Ends with the session.
  awaitable<void> watchdog();

  void close_if_idle() override;
  void close() override;

  // session_body.cpp: the body, read as the endpoint asks for it.
  awaitable<std::optional<std::string>> read_body() override;
  bool is_disconnected() override;

 private:
  using Clock = std::chrono::steady_clock;
  enum class ReadStatus { ready, closed, failed };

  // session.cpp: the request loop and reading.
  awaitable<bool> serve_one(bool first);
  awaitable<bool> wait_for_request(bool first);
  awaitable<ReadStatus> read_request();
  ReadStatus failed_read(const boost::system::error_code& ec);
  boost::system::error_code parse_buffered(RequestParser& parser, bool body);
  awaitable<void> send_continue();
  awaitable<bool> respond();
  void log_access(const Request& request, int status, Clock::time_point started) const;
  /// Runs a response's background tasks on this loop, counted for shutdown.
  void start_background(BackgroundTasks tasks);
  void set_deadline(std::chrono::milliseconds timeout) { deadline_ = Clock::now() + timeout; }
  void clear_deadline() { deadline_ = Clock::time_point::max(); }
  const ServerOptions& options() const { return state_.options; }

  // session_write.cpp: writing responses.
  using Buffers = std::array<boost::asio::const_buffer, 4>;
  enum class SendResult { done, partial, failed };
  /// Writes up to four buffers in one gathered write, under the write timeout.
  awaitable<bool> write(boost::asio::const_buffer a, boost::asio::const_buffer b = {}, boost::asio::const_buffer c = {},
                        boost::asio::const_buffer d = {});
  /// Sends what the socket takes right now; a remainder is kept for send_pending().
  SendResult send_now(const Buffers& buffers);
  awaitable<bool> send_pending();
  awaitable<bool> write_response(Response& response, bool head_request, int version, bool keep_alive);
  awaitable<bool> write_stream(Response& response, Framing framing, int version, bool keep_alive);
  awaitable<bool> pull(BodyStream& stream, std::optional<std::string>& chunk);
  awaitable<bool> write_chunk(std::string_view chunk, Framing::Kind kind, bool with_head);
  awaitable<void> send_error(const ServerError& error, bool head_request = false);
  awaitable<void> linger();
  void shutdown() noexcept;

  boost::asio::ip::tcp::socket socket_;
  ServerState& state_;
  Loop& loop_;
  boost::asio::steady_timer timer_;
  Clock::time_point deadline_ = Clock::time_point::max();
  boost::beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  ServerError error_;  ///< why the last read failed, when it did
  std::string head_;   ///< the response head being written; its capacity is reused
  std::optional<boost::beast::buffers_suffix<Buffers>> pending_;  ///< what send_now() left
  Address client_;
  bool idle_ = false;                                ///< waiting for a request, or lingering after the last one
  bool closed_ = false;                              ///< the session is over; the watchdog stops
  bool must_linger_ = false;                         ///< input may be left unread (a refused request)
  bool continue_owed_ = false;                       ///< the client waits for 100 Continue before sending the body
  bool timed_out_ = false;                           ///< the watchdog closed the socket (or cancelled a read)
  bool reading_request_ = false;                     ///< a request's head or body is being read: a timeout is a 408
  std::uint64_t body_bytes_sent_ = 0;                ///< of the last response, for the access log
  std::weak_ptr<ServerWebSocketChannel> websocket_;  ///< the connection's WebSocket, once upgraded
};

}  // namespace starling::server

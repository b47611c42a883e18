#include "session.hpp"

#include "request_checks.hpp"

#include <starling/application.hpp>
#include <starling/logging.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>

#include <charconv>

namespace starling::server {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

// Socket results come back as error codes, never as exceptions: a peer going
// away is the normal end of a connection, not an error.
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// What one read asks for; a request head usually fits with room to spare.
constexpr std::size_t kReadSize = 4096;

// How long a request that timed out has to take its 408 before its connection closes.
constexpr std::chrono::seconds kTimeoutGrace{2};

// A log line must stay one line: control bytes and quotes in a path are escaped.
void append_printable(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f || c == '"' || c == '\\') {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
}

}  // namespace

void start_session(tcp::socket socket, ServerState& state, Loop& loop, bool rejected) {
  auto session = std::make_shared<Session>(std::move(socket), state, loop);
  // Moved, not copied: a copy left on the accepting thread could be the last
  // one, and a Session unlinks itself from its loop's list as it goes, which
  // only its loop's thread may touch (ThreadSanitizer caught the race).
  asio::co_spawn(
      loop.context, [session = std::move(session), rejected] { return session->run(rejected); }, asio::detached);
}

Session::Session(tcp::socket socket, ServerState& state, Loop& loop)
    : socket_(std::move(socket)), state_(state), loop_(loop), timer_(socket_.get_executor()) {}

Session::~Session() { state_.connection_closed(); }

awaitable<void> Session::run(bool rejected) {
  loop_.connections.push_back(*this);
  try {
    boost::system::error_code ec;
    socket_.set_option(tcp::no_delay(true), ec);
    socket_.non_blocking(true, ec);  // write() tries a direct send first
    const auto peer = socket_.remote_endpoint(ec);
    if (!ec) client_ = Address{peer.address().to_string(), peer.port()};
    asio::co_spawn(
        socket_.get_executor(), [self = shared_from_this()] { return self->watchdog(); }, asio::detached);
    if (rejected) {
      // Named, not a temporary: GCC 12 destroys temporaries in a co_await operand twice.
      const ServerError unavailable{503, "Service Unavailable"};
      co_await send_error(unavailable);
    } else if (!state_.stopping.load()) {  // else: accepted just as the server began to stop
      bool first = true;
      while (co_await serve_one(first)) first = false;
    }
    co_await linger();
  } catch (const std::exception& e) {
    log::error(std::string("connection error: ") + e.what());
  } catch (...) {
    log::error("connection error: unknown exception");
  }
  shutdown();
}

awaitable<void> Session::watchdog() {
  // One timer per connection that wakes at most every `tick`: moving the deadline
  // costs a clock read, not a timer re-arm, on every request.
  while (!closed_) {
    const auto now = Clock::now();
    if (now >= deadline_) {
      log::debug("connection timed out");
      boost::system::error_code ec;
      if (reading_request_ && !timed_out_) {
        // A request that began arriving is answered 408, so only its read is
        // cancelled. A read whose completion was already queued misses the
        // cancel: the grace deadline then closes the socket after all.
        timed_out_ = true;
        socket_.cancel(ec);
        deadline_ = now + kTimeoutGrace;
        continue;
      }
      clear_deadline();
      timed_out_ = true;
      socket_.close(ec);  // an idle or unwritable connection: its read or write ends with operation_aborted
      continue;
    }
    timer_.expires_at(std::min(deadline_, now + state_.tick));
    co_await timer_.async_wait(kNoThrow);
  }
}

void Session::close_if_idle() {
  // An open WebSocket is asked to close (1001): its endpoint then ends by itself.
  if (const auto websocket = websocket_.lock(); websocket && websocket->accepted()) {
    if (websocket->on_going_away) websocket->on_going_away();
    return;
  }
  if (idle_) close();
}

void Session::close() {
  boost::system::error_code ec;
  socket_.close(ec);
}

awaitable<bool> Session::serve_one(bool first) {
  if (!co_await wait_for_request(first)) co_return false;
  if (!first) set_deadline(options().header_timeout);
  const ReadStatus status = co_await read_request();
  if (status == ReadStatus::closed) co_return false;
  if (status == ReadStatus::failed) {
    const bool head_request = parser_ && parser_->is_header_done() && parser_->parts().method == "HEAD";
    co_await send_error(error_, head_request);
    co_return false;
  }
  co_return co_await respond();
}

awaitable<bool> Session::wait_for_request(bool first) {
  if (buffer_.size() > 0) co_return true;  // a pipelined request is already here
  // A shutdown that began while this connection was busy closes it here; one
  // that begins later finds it idle_ (both happen on this loop's thread).
  if (state_.stopping.load()) co_return false;
  // The first request's header timeout runs from the accept (slowloris); later
  // ones get the keep-alive timeout until their first byte arrives.
  set_deadline(first ? options().header_timeout : options().keep_alive_timeout);
  // A read, not async_wait(wait_read): Asio skips the speculative recv on a socket
  // its last read drained and re-arms nothing, while a wait costs an epoll_ctl
  // on every request.
  idle_ = true;
  auto [ec, bytes] = co_await socket_.async_read_some(buffer_.prepare(kReadSize), kNoThrow);
  idle_ = false;
  if (ec) co_return false;
  buffer_.commit(bytes);
  co_return true;
}

awaitable<Session::ReadStatus> Session::read_request() {
  auto& parser = parser_.emplace(options().max_header_size, options().max_header_fields);
  auto ec = parse_buffered(parser, /*body=*/false);
  if (ec == http::error::need_more) {
    timed_out_ = false;
    reading_request_ = true;
    auto [read_ec, head_bytes] = co_await http::async_read_header(socket_, buffer_, parser, kNoThrow);
    reading_request_ = false;
    ec = read_ec;
  }
  if (ec) co_return failed_read(ec);
  if (auto error = check_head(parser)) {
    error_ = std::move(*error);
    co_return ReadStatus::failed;
  }
  // What arrived with the head is parsed now; the rest waits on the socket
  // until the endpoint reads it (read_body), within the limit it sets.
  if (parser.is_done()) co_return ReadStatus::ready;
  ec = parse_buffered(parser, /*body=*/true);
  if (ec && ec != http::error::need_more) co_return failed_read(ec);
  continue_owed_ = !parser.is_done() && expects_continue(parser);
  co_return ReadStatus::ready;
}

boost::system::error_code Session::parse_buffered(RequestParser& parser, bool body) {
  // Most requests arrive whole in one read: parsing what is buffered directly
  // saves Beast's composed read operation. need_more sends the caller to it.
  boost::system::error_code ec;
  do {
    if (buffer_.size() == 0) return http::error::need_more;
    buffer_.consume(parser.put(buffer_.data(), ec));
  } while (!ec && body && !parser.is_done());
  return ec;
}

Session::ReadStatus Session::failed_read(const boost::system::error_code& ec) {
  if (timed_out_) {
    error_ = ServerError{408, "Request timeout: the request head did not arrive within " +
                                  std::to_string(options().header_timeout.count()) + " ms"};
    return ReadStatus::failed;
  }
  const auto data = buffer_.data();
  const std::string_view unparsed(static_cast<const char*>(data.data()), data.size());
  auto error = read_error(ec, unparsed, *parser_);
  if (!error) return ReadStatus::closed;
  error_ = std::move(*error);
  return ReadStatus::failed;
}

awaitable<bool> Session::respond() {
  RequestParts& parts = parser_->parts();
  const int version = parts.version;
  const bool head_request = parts.method == "HEAD";
  const bool client_keep_alive = parser_->keep_alive();
  const auto started = options().access_log ? Clock::now() : Clock::time_point{};
  parts.client = client_;
  parts.connection = this;
  std::shared_ptr<ServerWebSocketChannel> websocket;
  // Most requests have no Upgrade field: the parser saw that, so no header is looked at again.
  if (auto upgrade = parser_->has_upgrade() ? check_upgrade(parts) : UpgradeCheck{}; upgrade.wanted) {
    if (upgrade.error) {
      parser_.reset();
      co_await send_error(*upgrade.error, head_request);
      co_return false;
    }
    websocket = std::make_shared<ServerWebSocketChannel>(weak_from_this(), socket_, parts, options());
    websocket_ = websocket;
    parts.websocket = websocket;
  }
  parts.body_pending = !parser_->is_done();
  std::string arrived;  // the body's first piece stays with the parser, for read_body()
  if (parts.body_pending) arrived.swap(parts.body);
  std::optional<Request> request;
  try {
    request.emplace(std::move(parts));
  } catch (const std::exception& e) {
    log::warning(std::string("unusable request: ") + e.what());
  }
  parser_->parts().body = std::move(arrived);
  if (!request) {
    parser_.reset();
    const ServerError malformed{400, "Malformed request"};
    co_await send_error(malformed, head_request);
    co_return false;
  }
  clear_deadline();  // the app takes the time it needs
  std::optional<Response> answer;
  try {
    answer.emplace(co_await state_.app.handle(*request));
  } catch (const std::exception& e) {  // App::handle answers errors itself: a last line of defence
    log::error(std::string("unhandled exception in the app: ") + e.what());
  } catch (...) {
    log::error("unhandled exception in the app");
  }
  if (!answer) answer.emplace(error_response({500, "Internal Server Error"}));
  if (websocket && websocket->accepted()) {  // the connection was the WebSocket's, and is over
    parser_.reset();
    if (options().access_log) log_access(*request, 101, started);
    co_return false;
  }
  // A body the endpoint left unread (or refused) is still on the wire: the
  // connection cannot carry another request, so it closes after the answer.
  const bool body_read = parser_->is_done();
  parser_.reset();
  continue_owed_ = false;
  if (!body_read) must_linger_ = true;
  Response& response = *answer;
  const bool keep_alive =
      client_keep_alive && body_read && !state_.stopping.load(std::memory_order_relaxed) && !wants_close(response);
  const bool open = co_await write_response(response, head_request, version, keep_alive);
  if (options().access_log) log_access(*request, response.status_code, started);
  if (!response.background.empty()) start_background(std::move(response.background));
  co_return open;
}

void Session::start_background(BackgroundTasks tasks) {
  // Beside the connection, not in it: the next request on this connection
  // need not wait for them, and a shutdown does (wait_drained counts them).
  state_.background_started();
  struct Finished {
    explicit Finished(ServerState& s) : state(s) {}
    Finished(const Finished&) = delete;
    Finished& operator=(const Finished&) = delete;
    ~Finished() { state.background_finished(); }  // also when a stopped loop destroys the task
    ServerState& state;
  };
  asio::co_spawn(
      loop_.context,
      [tasks = std::move(tasks), finished = std::make_shared<Finished>(state_)]() mutable -> awaitable<void> {
        co_await tasks.run();
      },
      asio::detached);
}

void Session::log_access(const Request& request, int status, Clock::time_point started) const {
  const double elapsed = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  const std::size_t bytes = status == 101 ? 0 : body_bytes_sent_;
  const URL& url = request.url();
  // The client as the app saw it (ProxyHeadersMiddleware may have replaced the peer).
  const Address& client = request.client();
  std::string peer = client.host.find(':') == std::string::npos ? client.host : "[" + client.host + "]";
  peer += ':';
  peer += std::to_string(client.port);
  if (log::format() == log::Format::json) {
    std::string target = url.raw_path;
    if (!url.query.empty()) target += "?" + url.query;
    const std::string message = std::string(request.method()) + " " + target + " " + std::to_string(status);
    log::write(log::Level::info, message,
               {{"type", "access"},
                {"method", request.method()},
                {"path", target},
                {"route", request.route_path()},
                {"status", std::int64_t{status}},
                {"bytes", static_cast<std::int64_t>(bytes)},
                {"duration_ms", elapsed},
                {"client", peer},
                {"request_id", request.request_id()}});
    return;
  }
  std::string line = std::move(peer);
  line += " \"";
  line += request.method();
  line += ' ';
  // As sent, so an unusual byte shows as the client wrote it; control bytes are escaped.
  append_printable(line, url.raw_path);
  if (!url.query.empty()) {
    line += '?';
    append_printable(line, url.query);
  }
  line += request.http_version() == 10 ? " HTTP/1.0\" " : " HTTP/1.1\" ";
  line += std::to_string(status);
  line += ' ';
  line += std::to_string(bytes);
  line += ' ';
  // to_chars, not printf: a decimal point whatever the program's LC_NUMERIC.
  char duration[32];
  const auto end = std::to_chars(duration, duration + sizeof duration, elapsed, std::chars_format::fixed, 2).ptr;
  line.append(duration, end);
  line += "ms";
  if (!request.request_id().empty()) {
    line += " id=";
    line += request.request_id();  // RequestIDMiddleware admits visible ASCII only
  }
  log::info(line);
}

}  // namespace starling::server

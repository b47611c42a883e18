// Session: writing responses (whole, streamed, server errors) and closing.
#include "session.hpp"

#include <starling/logging.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <charconv>

namespace starling::server {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// After refusing a request the client may still be sending its body; closing
// with unread input would reset the connection and could destroy the response
// before the client reads it. So the server drains for a moment (as nginx's
// lingering close does), bounded in time and bytes.
constexpr std::chrono::milliseconds kLingerTime{1000};
constexpr std::size_t kLingerBytes = 4 * 1024 * 1024;

constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kLastChunk = "0\r\n\r\n";

asio::const_buffer view(std::string_view text) { return asio::buffer(text.data(), text.size()); }

}  // namespace

awaitable<bool> Session::write(asio::const_buffer a, asio::const_buffer b, asio::const_buffer c, asio::const_buffer d) {
  switch (send_now({a, b, c, d})) {
    case SendResult::done: co_return true;
    case SendResult::failed: co_return false;
    case SendResult::partial: break;
  }
  co_return co_await send_pending();
}

Session::SendResult Session::send_now(const Buffers& buffers) {
  // Most responses fit in the socket's send buffer: a direct non-blocking send
  // completes them without an async operation or another coroutine frame.
  boost::system::error_code ec;
  const std::size_t sent = socket_.write_some(buffers, ec);
  if (!ec && sent == asio::buffer_size(buffers)) return SendResult::done;
  if (ec && ec != asio::error::would_block) return SendResult::failed;
  pending_.emplace(buffers);
  pending_->consume(sent);
  return SendResult::partial;
}

awaitable<bool> Session::send_pending() {
  set_deadline(options().write_timeout);
  auto [ec, bytes] = co_await asio::async_write(socket_, *pending_, kNoThrow);
  clear_deadline();
  pending_.reset();
  co_return !ec;
}

awaitable<bool> Session::write_response(Response& response, bool head_request, int version, bool keep_alive) {
  const Framing framing = plan_framing(response, head_request, version);
  if (framing.kind == Framing::Kind::until_close) keep_alive = false;
  body_bytes_sent_ = 0;
  if (response.stream && framing.send_body) co_return co_await write_stream(response, framing, version, keep_alive);
  format_head(head_, response, framing, keep_alive, version, options().server_header);
  // Head and body leave in one writev, most often without suspending.
  const auto body = framing.send_body ? asio::buffer(response.body) : asio::const_buffer{};
  body_bytes_sent_ = body.size();
  switch (send_now({asio::buffer(head_), body})) {
    case SendResult::done: co_return keep_alive;
    case SendResult::failed: co_return false;
    case SendResult::partial: break;
  }
  const bool written = co_await send_pending();
  co_return written&& keep_alive;
}

awaitable<bool> Session::write_stream(Response& response, Framing framing, int version, bool keep_alive) {
  BodyStream& stream = *response.stream;
  std::optional<std::string> chunk;
  // The first chunk is pulled before the head goes out: a producer failing at
  // once still gets a proper 500, and the head shares a write with the chunk.
  if (!co_await pull(stream, chunk)) {
    const ServerError failed{500, "Internal Server Error"};  // named: see Session::run
    co_await send_error(failed);
    co_return false;
  }
  format_head(head_, response, framing, keep_alive, version, options().server_header);
  bool with_head = true;
  std::uint64_t sent = 0;
  while (chunk) {
    std::string_view data = *chunk;
    const bool too_long = framing.kind == Framing::Kind::length && data.size() > framing.length - sent;
    if (too_long) data = data.substr(0, static_cast<std::size_t>(framing.length - sent));
    // Writing each chunk before pulling the next is the backpressure: a slow
    // client slows the producer instead of filling memory.
    if (!data.empty()) {
      if (!co_await write_chunk(data, framing.kind, with_head)) co_return false;
      with_head = false;
      sent += data.size();
      body_bytes_sent_ = sent;
    }
    if (too_long) {
      log::error("streaming response longer than its declared length; connection closed");
      co_return false;
    }
    if (!co_await pull(stream, chunk)) co_return false;  // the head is out: cutting it short is all that is left
  }
  if (framing.kind == Framing::Kind::chunked) {
    // Named first: GCC 12 evaluates both arms of a ?: inside a co_await operand.
    const asio::const_buffer head = with_head ? asio::buffer(head_) : asio::const_buffer{};
    if (!co_await write(head, view(kLastChunk))) co_return false;
  } else if (with_head && !co_await write(asio::buffer(head_))) {
    co_return false;
  }
  if (framing.kind == Framing::Kind::length && sent != framing.length) {
    log::error("streaming response shorter than its declared length; connection closed");
    co_return false;
  }
  co_return keep_alive;
}

awaitable<bool> Session::pull(BodyStream& stream, std::optional<std::string>& chunk) {
  clear_deadline();  // the producer has no time limit; each write has one
  try {
    chunk = co_await stream.next();
    co_return true;
  } catch (const std::exception& e) {
    log::error(std::string("streaming response failed: ") + e.what());
  } catch (...) {
    log::error("streaming response failed");
  }
  co_return false;
}

awaitable<bool> Session::write_chunk(std::string_view chunk, Framing::Kind kind, bool with_head) {
  const auto head = with_head ? asio::buffer(head_) : asio::const_buffer{};
  if (kind != Framing::Kind::chunked) co_return co_await write(head, view(chunk));
  char size_line[24];
  auto end = std::to_chars(size_line, size_line + 16, chunk.size(), 16).ptr;
  *end++ = '\r';
  *end++ = '\n';
  co_return co_await write(head, asio::buffer(size_line, static_cast<std::size_t>(end - size_line)), view(chunk),
                           view(kCrlf));
}

awaitable<void> Session::send_error(const ServerError& error, bool head_request) {
  must_linger_ = true;
  const Response response = error_response(error);
  const Framing framing{Framing::Kind::length, response.body.size(), !head_request};
  format_head(head_, response, framing, /*keep_alive=*/false, 11, options().server_header);
  const asio::const_buffer body = framing.send_body ? asio::buffer(response.body) : asio::const_buffer{};
  co_await write(asio::buffer(head_), body);
}

awaitable<void> Session::linger() {
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);  // the client sees the end of the response
  if (ec) co_return;
  if (!must_linger_ && buffer_.size() == 0 && socket_.available(ec) == 0) co_return;
  idle_ = true;  // a shutdown closes lingering connections right away
  set_deadline(std::min(kLingerTime, options().header_timeout));
  std::size_t drained = 0;
  while (drained < kLingerBytes) {
    // prepare() without commit(): the same bytes of the buffer are reused, and dropped.
    auto [read_ec, bytes] = co_await socket_.async_read_some(buffer_.prepare(16 * 1024), kNoThrow);
    if (read_ec) break;
    drained += bytes;
  }
}

void Session::shutdown() noexcept {
  closed_ = true;
  idle_ = false;
  boost::system::error_code ec;
  socket_.close(ec);
  try {
    timer_.cancel();  // wakes the watchdog, which sees closed_ and ends
  } catch (...) {
  }
}

}  // namespace starling::server

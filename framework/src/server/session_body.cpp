// Session: the request body, read from the socket as the endpoint asks for it.
#include "session.hpp"

#include "request_checks.hpp"

#include <starling/exceptions.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>

#include <sys/socket.h>

#include <cerrno>

namespace starling::server {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// One read of body: the largest piece stream() hands out, and the session's
// buffer size while it reads one.
constexpr std::size_t kBodyReadSize = 64 * 1024;

}  // namespace

awaitable<void> Session::send_continue() {
  // Only once the endpoint reads is the client told to send: a request refused
  // by its headers or Content-Length never makes it send the body.
  continue_owed_ = false;
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  if (!co_await write(asio::buffer(kContinue.data(), kContinue.size())))
    throw ClientDisconnect("the client left before sending the request body");
}

awaitable<std::optional<std::string>> Session::read_body() {
  if (!parser_) co_return std::nullopt;  // the request is over
  RequestParser& parser = *parser_;
  bool need_read = buffer_.size() == 0;
  for (;;) {
    if (std::string& arrived = parser.parts().body; !arrived.empty()) {
      std::string piece = std::move(arrived);
      arrived.clear();
      co_return piece;
    }
    if (parser.is_done()) co_return std::nullopt;
    if (continue_owed_) co_await send_continue();
    if (need_read) {
      set_deadline(options().body_timeout);
      timed_out_ = false;
      reading_request_ = true;
      auto [ec, bytes] = co_await socket_.async_read_some(buffer_.prepare(kBodyReadSize), kNoThrow);
      reading_request_ = false;
      clear_deadline();
      if (ec && timed_out_) {
        // The client is still there, only slow: it gets an answer.
        throw HTTPException(408, "Request timeout: no part of the request body arrived within " +
                                     std::to_string(options().body_timeout.count()) + " ms");
      }
      if (ec) throw ClientDisconnect("the client left before sending the whole request body");
      buffer_.commit(bytes);
    }
    boost::system::error_code ec;
    const std::size_t used = parser.put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == http::error::need_more || (!ec && used == 0)) {
      need_read = true;
      continue;
    }
    if (ec) {
      const auto data = buffer_.data();
      const std::string_view unparsed(static_cast<const char*>(data.data()), data.size());
      const auto error = read_error(ec, unparsed, parser);
      throw HTTPException(error ? error->status : 400, error ? error->detail : "Malformed request body");
    }
    need_read = buffer_.size() == 0;
  }
}

bool Session::is_disconnected() {
  if (closed_ || !socket_.is_open()) return true;
  // A peek, so nothing is taken from a body or a pipelined request: 0 bytes
  // readable means the client closed its side.
  char byte = 0;
  const auto received = ::recv(socket_.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (received == 0) return true;
  if (received < 0) return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
  return false;
}

}  // namespace starling::server

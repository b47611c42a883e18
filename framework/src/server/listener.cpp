#include "listener.hpp"

#include "session.hpp"

#include <starling/logging.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace starling::server {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

}  // namespace

Listener::Listener(ServerState& state, std::vector<Loop*> loops, const tcp::endpoint& endpoint)
    : state_(state), loops_(std::move(loops)), acceptor_(loops_.front()->context) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

void Listener::start() {
  asio::co_spawn(
      acceptor_.get_executor(), [this] { return accept_loop(); }, asio::detached);
}

void Listener::close() {
  // The acceptor belongs to the first loop's thread; closing it there cancels
  // the pending accept without a data race.
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ec;
    acceptor_.close(ec);
  });
}

awaitable<void> Listener::accept_loop() {
  std::size_t next = 0;
  while (acceptor_.is_open()) {
    Loop& loop = *loops_[next];
    next = (next + 1) % loops_.size();
    // The socket is created on its target loop's context directly, so the
    // connection never needs to hop threads after this.
    auto [ec, socket] = co_await acceptor_.async_accept(loop.context.get_executor(), kNoThrow);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
      // Out of descriptors (EMFILE) and the like: retrying at once would spin.
      log::warning("accept failed: " + ec.message());
      asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(kNoThrow);
      continue;
    }
    const bool admitted = state_.connection_opened();
    start_session(std::move(socket), state_, loop, !admitted);
  }
}

}  // namespace starling::server

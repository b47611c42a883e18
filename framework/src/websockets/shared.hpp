#pragma once
// What a WebSocket and its WebSocketSenders share: the channel, the state and
// the queue of outgoing frames, written by one writer at a time. Touched only
// on the channel's executor, except `open`, which senders on any thread read.
// Senders may outlive the connection and its event loop, so nothing here that
// outlives the WebSocket may hold an I/O object: the channel is let go with it.

#include <starling/websockets.hpp>

#include "websockets/channel.hpp"

#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>

namespace starling::detail {

struct WebSocketShared : std::enable_shared_from_this<WebSocketShared> {
  struct Outgoing {
    enum class Kind { text, binary, close } kind;
    std::string data;  // the message, or the close reason
    int code = 0;
  };

  WebSocketShared(std::shared_ptr<WebSocketChannel> channel, std::size_t max_message_size);

  /// Queues a frame and starts a writer if none runs. On the executor.
  void enqueue(Outgoing frame);
  /// enqueue() from any thread, through the executor; false once closed.
  bool post(Outgoing frame);
  /// Writes queued frames until none is left. One runs at a time (`writing`).
  awaitable<void> drain();
  /// Waits until no writer runs.
  awaitable<void> wait_drained();
  /// The WebSocket is going: senders stop, and the channel is let go.
  void detach();
  void mark_closed();

  std::shared_ptr<WebSocketChannel> channel;
  boost::asio::any_io_executor executor;
  std::size_t max_message_size;
  WebSocket::State state = WebSocket::State::connecting;
  std::atomic<bool> open{false};  // connected and no close queued: senders may send
  std::mutex post_mutex;          // a sender posts only while `open`; detach() waits for it
  std::optional<int> peer_close_code;
  std::string peer_close_reason;

  std::deque<Outgoing> queue;
  std::size_t queued_bytes = 0;
  bool writing = false;
  bool close_queued = false;
  boost::asio::steady_timer* drain_waiter = nullptr;  // wait_drained()'s timer, cancelled when a writer ends
};

}  // namespace starling::detail

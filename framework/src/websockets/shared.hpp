#pragma once
// What a WebSocket and its WebSocketSenders share: the channel, the state and
// the queue of outgoing frames, written by one writer at a time. Touched only
// on the channel's executor, except `open`, which any thread may read.

#include <starling/websockets.hpp>

#include "websockets/channel.hpp"

#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <deque>
#include <memory>

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
  /// Writes queued frames until none is left. One runs at a time (`writing`).
  awaitable<void> drain();
  /// Waits until no writer runs.
  awaitable<void> wait_drained();
  void mark_closed();

  std::shared_ptr<WebSocketChannel> channel;
  boost::asio::any_io_executor executor;
  std::size_t max_message_size;
  WebSocket::State state = WebSocket::State::connecting;
  std::atomic<bool> open{false};  // connected and no close queued: senders may send
  std::optional<int> peer_close_code;
  std::string peer_close_reason;

  std::deque<Outgoing> queue;
  std::size_t queued_bytes = 0;
  bool writing = false;
  bool close_queued = false;
  boost::asio::steady_timer writer_done;  // cancelled when a writer finishes
};

}  // namespace starling::detail

#pragma once
// The pages watching the notes: each open /ws/notes socket gets every note
// created, changed, deleted or imported, from whichever connection did it.

#include <starling/websockets.hpp>

#include <mutex>
#include <vector>

namespace notes {

class LiveNotes {
 public:
  /// Sends `event` to every open page. Any thread; never waits for a page.
  void publish(const nlohmann::json& event);
  /// The /ws/notes endpoint: a page joins, and is told until it leaves.
  starling::awaitable<void> serve(starling::WebSocket& websocket);
  std::size_t pages() const;

 private:
  mutable std::mutex mutex_;  // endpoints on every event loop publish
  std::vector<starling::WebSocketSender> pages_;
};

}  // namespace notes

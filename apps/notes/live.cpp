#include "live.hpp"

namespace notes {

void LiveNotes::publish(const nlohmann::json& event) {
  const std::string text = event.dump();
  std::lock_guard lock(mutex_);
  // A page that has gone is dropped here, however it left.
  std::erase_if(pages_, [&](const starling::WebSocketSender& page) { return !page.send_text(text); });
}

starling::awaitable<void> LiveNotes::serve(starling::WebSocket& websocket) {
  co_await websocket.accept();
  const auto sender = websocket.sender();
  {
    std::lock_guard lock(mutex_);
    pages_.push_back(sender);
  }
  // A page only listens; what it says (a keep-alive, say) is read and let go.
  while (auto message = co_await websocket.next()) {
  }
  std::lock_guard lock(mutex_);
  std::erase(pages_, sender);
}

std::size_t LiveNotes::pages() const {
  std::lock_guard lock(mutex_);
  return pages_.size();
}

}  // namespace notes

#include "server_state.hpp"

#include <algorithm>
#include <stdexcept>

namespace starling::server {
namespace {

std::chrono::milliseconds shortest_timeout(const ServerOptions& options) {
  const auto shortest =
      std::min({options.header_timeout, options.body_timeout, options.keep_alive_timeout, options.write_timeout});
  // A zero or negative timeout would make the watchdog spin.
  return std::max(shortest, std::chrono::milliseconds(10));
}

}  // namespace

ServerState::ServerState(App& app, ServerOptions options)
    : app(app), options(std::move(options)), tick(shortest_timeout(this->options)) {
  // Written into every response head as it is: a line break would split it.
  const auto& server = this->options.server_header;
  if (std::any_of(server.begin(), server.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; }))
    throw std::invalid_argument("ServerOptions::server_header must be one line, without CR, LF or NUL");
}

bool ServerState::connection_opened() noexcept { return connections_.fetch_add(1) < options.max_connections; }

void ServerState::connection_closed() noexcept {
  if (connections_.fetch_sub(1) == 1) notify_if_drained();
}

void ServerState::background_finished() noexcept {
  if (background_.fetch_sub(1) == 1) notify_if_drained();
}

void ServerState::notify_if_drained() noexcept {
  // Taking the lock before notifying closes the window between the waiter's
  // check and its sleep; it only happens when a count reaches zero.
  std::lock_guard lock(mutex_);
  drained_.notify_all();
}

bool ServerState::wait_drained(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return drained_.wait_for(lock, timeout, [this] { return connections_.load() == 0 && background_.load() == 0; });
}

}  // namespace starling::server

#pragma once
// The connection a request came on, as the Request sees it: the server's
// session implements it, so Request::stream() reads the socket only when asked.

#include <starling/types.hpp>

#include <optional>
#include <string>

namespace starling::detail {

class ClientConnection {
 public:
  virtual ~ClientConnection() = default;
  /// The next piece of the request body, or nullopt once it is complete.
  /// @throws HTTPException 400 for malformed framing; ClientDisconnect when the
  ///         client leaves or stalls.
  virtual awaitable<std::optional<std::string>> read_body() = 0;
  /// Whether the client closed the connection.
  virtual bool is_disconnected() = 0;
};

}  // namespace starling::detail

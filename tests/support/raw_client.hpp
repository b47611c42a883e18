#pragma once
/// @file raw_client.hpp
/// A tiny blocking HTTP/1.x client over 127.0.0.1 for server tests: it sends raw
/// bytes (malformed ones included) and parses what comes back, byte-exact.

#include <starling/datastructures.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace starling::test {

/// One parsed HTTP response.
struct RawResponse {
  std::string version;  ///< "HTTP/1.1"
  int status = 0;
  std::string reason;
  Headers headers;
  std::string body;  ///< decoded when chunked
  bool chunked = false;
  std::vector<std::string> chunks;  ///< the chunks of a chunked body, as received

  /// The first value of header `name`, or "" when absent.
  std::string header(std::string_view name) const { return headers.get(name, ""); }
};

/// A blocking TCP connection to 127.0.0.1:port. Every read gives up after `timeout`.
class RawClient {
 public:
  /// @throws std::runtime_error when the connection fails.
  explicit RawClient(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~RawClient();
  RawClient(RawClient&& other) noexcept;
  RawClient& operator=(RawClient&&) = delete;
  RawClient(const RawClient&) = delete;

  /// Sends all of `bytes`. @throws std::runtime_error when the connection is gone.
  void send(std::string_view bytes);
  /// Reads one response. `head_request`: it answers a HEAD, so no body follows.
  /// A body with neither Content-Length nor chunked is read until the server closes.
  /// @throws std::runtime_error on timeout, on malformed input, or when the
  ///         connection closes before a whole response arrived.
  RawResponse read_response(bool head_request = false);
  /// send() then read_response().
  RawResponse request(std::string_view bytes, bool head_request = false);

  /// True when the server closes the connection (EOF or reset) within `wait`;
  /// bytes arriving meanwhile are kept for later reads.
  bool closed_within(std::chrono::milliseconds wait);
  /// Everything the server sends until it closes. @throws std::runtime_error on timeout.
  std::string read_until_close();
  /// Bytes received but not yet consumed by a read.
  const std::string& pending() const { return buffer_; }
  /// Half-closes the connection (the server reads EOF).
  void shutdown_write();

 private:
  // Reads more bytes into buffer_ within `wait`: false at EOF or reset.
  // @throws std::runtime_error on timeout.
  bool fill(std::chrono::milliseconds wait);
  std::string read_line();
  std::string take(std::size_t size);
  void read_head(RawResponse& response);
  void read_chunked(RawResponse& response);

  int fd_ = -1;
  std::chrono::milliseconds timeout_;
  std::string buffer_;
};

}  // namespace starling::test

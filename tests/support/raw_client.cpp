#include "support/raw_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace starling::test {
namespace {

using Clock = std::chrono::steady_clock;

std::runtime_error failure(const std::string& what) { return std::runtime_error("RawClient: " + what); }

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

RawClient::RawClient(std::uint16_t port, std::chrono::milliseconds timeout) : timeout_(timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw failure(std::string("socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    const std::string message = std::strerror(errno);
    ::close(fd_);
    fd_ = -1;
    throw failure("connect to port " + std::to_string(port) + ": " + message);
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

RawClient::~RawClient() {
  if (fd_ >= 0) ::close(fd_);
}

RawClient::RawClient(RawClient&& other) noexcept
    : fd_(other.fd_), timeout_(other.timeout_), buffer_(std::move(other.buffer_)) {
  other.fd_ = -1;
}

void RawClient::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) throw failure(std::string("send: ") + std::strerror(errno));
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
}

void RawClient::shutdown_write() { ::shutdown(fd_, SHUT_WR); }

bool RawClient::fill(std::chrono::milliseconds wait) {
  pollfd entry{fd_, POLLIN, 0};
  const int ready = ::poll(&entry, 1, static_cast<int>(wait.count()));
  if (ready == 0) throw failure("timed out after " + std::to_string(wait.count()) + "ms");
  if (ready < 0) throw failure(std::string("poll: ") + std::strerror(errno));
  char data[16 * 1024];
  const auto received = ::recv(fd_, data, sizeof data, 0);
  if (received == 0) return false;
  if (received < 0) {
    if (errno == ECONNRESET) return false;
    throw failure(std::string("recv: ") + std::strerror(errno));
  }
  buffer_.append(data, static_cast<std::size_t>(received));
  return true;
}

std::string RawClient::read_line() {
  for (;;) {
    const auto end = buffer_.find("\r\n");
    if (end != std::string::npos) {
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      return line;
    }
    if (!fill(timeout_)) throw failure("connection closed in the middle of a line");
  }
}

std::string RawClient::take(std::size_t size) {
  while (buffer_.size() < size)
    if (!fill(timeout_)) throw failure("connection closed in the middle of a body");
  std::string bytes = buffer_.substr(0, size);
  buffer_.erase(0, size);
  return bytes;
}

void RawClient::read_head(RawResponse& response) {
  if (buffer_.empty() && !fill(timeout_)) throw failure("connection closed before a response");
  const std::string status_line = read_line();
  const auto first_space = status_line.find(' ');
  if (first_space == std::string::npos || status_line.size() < first_space + 4)
    throw failure("bad status line: " + status_line);
  response.version = status_line.substr(0, first_space);
  response.status = std::stoi(status_line.substr(first_space + 1, 3));
  response.reason = status_line.size() > first_space + 5 ? status_line.substr(first_space + 5) : "";
  for (std::string line = read_line(); !line.empty(); line = read_line()) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) throw failure("bad header line: " + line);
    response.headers.append(line.substr(0, colon), std::string(trim(std::string_view(line).substr(colon + 1))));
  }
}

void RawClient::read_chunked(RawResponse& response) {
  response.chunked = true;
  for (;;) {
    const std::string size_line = read_line();
    const auto size = std::stoull(size_line.substr(0, size_line.find(';')), nullptr, 16);
    if (size == 0) break;
    std::string chunk = take(size);
    if (take(2) != "\r\n") throw failure("chunk not followed by CRLF");
    response.body += chunk;
    response.chunks.push_back(std::move(chunk));
  }
  while (!read_line().empty()) {  // trailer fields
  }
}

RawResponse RawClient::read_response(bool head_request) {
  RawResponse response;
  read_head(response);
  const bool no_body = head_request || response.status < 200 || response.status == 204 || response.status == 304;
  if (no_body) return response;
  const auto encoding = response.headers.get("transfer-encoding");
  if (encoding && encoding->find("chunked") != std::string_view::npos) {
    read_chunked(response);
  } else if (const auto length = response.headers.get("content-length")) {
    response.body = take(std::stoull(std::string(*length)));
  } else {
    response.body = read_until_close();
  }
  return response;
}

RawResponse RawClient::request(std::string_view bytes, bool head_request) {
  send(bytes);
  return read_response(head_request);
}

bool RawClient::closed_within(std::chrono::milliseconds wait) {
  const auto deadline = Clock::now() + wait;
  for (;;) {
    // Rounded up, and polled once at least: 0 ms asks whether it is closed already.
    const auto left =
        std::max(std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()), std::chrono::milliseconds(0));
    try {
      if (!fill(left)) return true;
    } catch (const std::runtime_error&) {
      return false;  // timed out with the connection still open
    }
    if (left.count() == 0) return false;  // bytes, past the wait: a server that keeps sending is open
  }
}

std::string RawClient::read_until_close() {
  while (fill(timeout_)) {
  }
  std::string all = std::move(buffer_);
  buffer_.clear();
  return all;
}

}  // namespace starling::test

#include "files/file_stream.hpp"

#include "blocking.hpp"

#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace starling::files {
namespace {

constexpr std::uint64_t kPieceSize = 64 * 1024;

// Runs on the worker pool: a read that waits for the disk never stalls the loop.
std::string read_piece(int fd, std::uint64_t offset, std::size_t count) {
  std::string piece(count, '\0');
  std::size_t done = 0;
  while (done < count) {
    const auto got = ::pread(fd, piece.data() + done, count - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw std::system_error(errno, std::generic_category(), "reading a file for a response");
    if (got == 0) break;  // the file shrank meanwhile: the server closes the connection
    done += static_cast<std::size_t>(got);
  }
  piece.resize(done);
  return piece;
}

}  // namespace

OpenFile::~OpenFile() { ::close(fd); }

FileStream::FileStream(std::shared_ptr<const OpenFile> file, std::uint64_t size, std::string etag, std::time_t modified)
    : file_(std::move(file)), size_(size), etag_(std::move(etag)), modified_(modified), end_(size) {}

awaitable<std::optional<std::string>> FileStream::next() {
  if (offset_ < start_) offset_ = start_;
  if (offset_ >= end_) co_return std::nullopt;
  const auto count = static_cast<std::size_t>(std::min(kPieceSize, end_ - offset_));
  // Named: GCC 12 destroys a temporary in a co_await operand twice.
  std::function<std::string()> read = [file = file_, offset = offset_, count] {
    return read_piece(file->fd, offset, count);
  };
  std::string piece = co_await detail::run_blocking<std::string>(std::move(read));
  if (piece.empty()) co_return std::nullopt;
  offset_ += piece.size();
  co_return piece;
}

}  // namespace starling::files

#pragma once
// A file's content as a BodyStream: pieces read on the worker pool, and the
// answer to conditional and range requests (file_ranges.cpp).

#include <starling/responses.hpp>

#include <cstdint>
#include <ctime>
#include <memory>
#include <string>

namespace starling::files {

/// An open file descriptor, closed with the last reference: a read still
/// running on the pool keeps it open even if the stream is gone.
struct OpenFile {
  explicit OpenFile(int fd) : fd(fd) {}
  ~OpenFile();
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  const int fd;
};

class FileStream final : public BodyStream {
 public:
  /// A file of `size` bytes, open for reading.
  FileStream(std::shared_ptr<const OpenFile> file, std::uint64_t size, std::string etag, std::time_t modified);

  awaitable<std::optional<std::string>> next() override;
  std::optional<std::uint64_t> length() const override { return end_ - start_; }
  void prepare(const Request& request, Response& response) override;

 private:
  bool not_modified(const Headers& request_headers) const;
  bool if_range_holds(std::string_view if_range) const;
  void answer_range(std::string_view range, Response& response);

  std::shared_ptr<const OpenFile> file_;
  std::uint64_t size_;
  std::string etag_;
  std::time_t modified_;
  std::uint64_t start_ = 0;  // the part sent: [start_, end_)
  std::uint64_t end_;
  std::uint64_t offset_ = 0;  // the next byte to read
};

}  // namespace starling::files

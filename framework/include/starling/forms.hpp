#pragma once
/// @file forms.hpp
/// Form bodies: fields and uploaded files (`co_await request.form()`).

#include <starling/datastructures.hpp>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace starling {

/// A file sent in a `multipart/form-data` body. Its content is kept in memory up
/// to a threshold (FormLimits::spool_threshold), then in an unnamed temporary
/// file that disappears when the last reference to the UploadFile goes away.
/// Reads and writes block briefly on local disk, as Python's SpooledTemporaryFile does.
class UploadFile {
 public:
  UploadFile(std::string filename, std::string content_type, Headers headers,
             std::size_t spool_threshold = 1024 * 1024);
  ~UploadFile();
  UploadFile(const UploadFile&) = delete;
  UploadFile& operator=(const UploadFile&) = delete;

  /// The file name the client sent, as sent: never use it as a path unchecked.
  const std::string& filename() const { return filename_; }
  /// The part's Content-Type ("application/octet-stream" when it had none).
  const std::string& content_type() const { return content_type_; }
  /// Every header of the part.
  const Headers& headers() const { return headers_; }
  std::uint64_t size() const { return size_; }
  /// False once the content went to a temporary file.
  bool in_memory() const { return fd_ < 0; }

  /// Up to `count` bytes from the current position, which moves past them ("" at the end).
  /// @throws std::system_error naming the file when the temporary file fails.
  std::string read(std::size_t count = std::numeric_limits<std::size_t>::max());
  /// Moves the read position (clamped to the size).
  void seek(std::uint64_t offset);
  std::uint64_t tell() const { return position_; }
  /// Appends `data`, moving to a temporary file past the threshold.
  /// @throws std::system_error naming the file (a full disk, say).
  void write(std::string_view data);

 private:
  void spill();

  std::string filename_;
  std::string content_type_;
  Headers headers_;
  std::size_t spool_threshold_;
  std::string memory_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::uint64_t position_ = 0;
};

/// Limits of Request::form(), as in Starlette. Past one: 400, or 413 for a
/// field's size, with a detail naming the limit.
struct FormLimits {
  std::size_t max_fields = 1000;                 ///< fields that are not files
  std::size_t max_files = 1000;                  ///< file parts
  std::size_t max_part_size = 1024 * 1024;       ///< bytes of one field's value (files: the body limit)
  std::size_t spool_threshold = 1024 * 1024;     ///< bytes of a file kept in memory before spooling to disk
  std::size_t max_part_header_size = 16 * 1024;  ///< bytes of one part's headers
};

/// The fields (text) and files of a form body. Fields read as a QueryParams;
/// files by field name. Copies share the same UploadFiles.
class FormData : public QueryParams {
 public:
  using File = std::pair<std::string, std::shared_ptr<UploadFile>>;

  using QueryParams::QueryParams;
  explicit FormData(QueryParams params) : QueryParams(std::move(params)) {}

  /// Every file part, in order, with its field name.
  const std::vector<File>& files() const { return files_; }
  /// The first file of field `name`, or null.
  std::shared_ptr<UploadFile> file(std::string_view name) const;
  /// Every file of field `name`, in order.
  std::vector<std::shared_ptr<UploadFile>> get_files(std::string_view name) const;

  void add_file(std::string name, std::shared_ptr<UploadFile> file) {
    files_.emplace_back(std::move(name), std::move(file));
  }

 private:
  std::vector<File> files_;
};

}  // namespace starling

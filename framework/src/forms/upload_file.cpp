#include <starling/forms.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

namespace starling {
namespace {

// An unnamed file in the temporary directory: nothing to clean up, even after a crash.
int open_unnamed_temporary() {
  const auto directory = std::filesystem::temp_directory_path();
  int fd = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  // A file system without O_TMPFILE: a named file, unlinked at once.
  std::string path = (directory / "starling-upload-XXXXXX").string();
  fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd >= 0) ::unlink(path.c_str());
  return fd;
}

}  // namespace

UploadFile::UploadFile(std::string filename, std::string content_type, Headers headers, std::size_t spool_threshold)
    : filename_(std::move(filename)),
      content_type_(std::move(content_type)),
      headers_(std::move(headers)),
      spool_threshold_(spool_threshold) {}

UploadFile::~UploadFile() {
  if (fd_ >= 0) ::close(fd_);
}

void UploadFile::spill() {
  fd_ = open_unnamed_temporary();
  if (fd_ < 0)
    throw std::system_error(errno, std::generic_category(), "UploadFile '" + filename_ + "': no temporary file");
  const std::string kept = std::move(memory_);
  memory_ = std::string();
  size_ = 0;
  write(kept);
}

void UploadFile::write(std::string_view data) {
  if (in_memory() && memory_.size() + data.size() > spool_threshold_) spill();
  if (in_memory()) {
    memory_.append(data);
    size_ += data.size();
    return;
  }
  while (!data.empty()) {
    const auto written = ::pwrite(fd_, data.data(), data.size(), static_cast<off_t>(size_));
    if (written < 0 && errno == EINTR) continue;
    if (written < 0)
      throw std::system_error(errno, std::generic_category(),
                              "UploadFile '" + filename_ + "': writing the temporary file");
    data.remove_prefix(static_cast<std::size_t>(written));
    size_ += static_cast<std::uint64_t>(written);
  }
}

std::string UploadFile::read(std::size_t count) {
  const auto available = static_cast<std::size_t>(size_ - position_);
  count = std::min(count, available);
  if (in_memory()) {
    std::string piece = memory_.substr(static_cast<std::size_t>(position_), count);
    position_ += piece.size();
    return piece;
  }
  std::string piece(count, '\0');
  std::size_t done = 0;
  while (done < count) {
    const auto got = ::pread(fd_, piece.data() + done, count - done, static_cast<off_t>(position_ + done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0)
      throw std::system_error(errno, std::generic_category(),
                              "UploadFile '" + filename_ + "': reading the temporary file");
    if (got == 0) break;
    done += static_cast<std::size_t>(got);
  }
  piece.resize(done);
  position_ += done;
  return piece;
}

void UploadFile::seek(std::uint64_t offset) { position_ = std::min(offset, size_); }

std::shared_ptr<UploadFile> FormData::file(std::string_view name) const {
  for (const auto& [field, file] : files_)
    if (field == name) return file;
  return nullptr;
}

std::vector<std::shared_ptr<UploadFile>> FormData::get_files(std::string_view name) const {
  std::vector<std::shared_ptr<UploadFile>> found;
  for (const auto& [field, file] : files_)
    if (field == name) found.push_back(file);
  return found;
}

}  // namespace starling

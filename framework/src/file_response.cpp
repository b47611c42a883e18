#include <starling/exceptions.hpp>
#include <starling/responses.hpp>

#include "http_date.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>

namespace starling {
namespace {

constexpr std::size_t kChunkSize = 64 * 1024;

class FileStream final : public BodyStream {
 public:
  FileStream(const std::filesystem::path& path, std::uint64_t size) : file_(path, std::ios::binary), size_(size) {}

  awaitable<std::optional<std::string>> next() override {
    if (remaining() == 0 || !file_) co_return std::nullopt;
    std::string chunk(std::min<std::uint64_t>(kChunkSize, remaining()), '\0');
    file_.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    chunk.resize(static_cast<std::size_t>(file_.gcount()));
    sent_ += chunk.size();
    if (chunk.empty()) co_return std::nullopt;
    co_return chunk;
  }
  std::optional<std::uint64_t> length() const override { return size_; }
  bool is_open() const { return file_.is_open(); }

 private:
  std::uint64_t remaining() const { return size_ - sent_; }

  std::ifstream file_;
  std::uint64_t size_;
  std::uint64_t sent_ = 0;
};

std::string content_disposition(std::string_view filename) {
  bool plain = true;
  for (const char c : filename)
    if (static_cast<unsigned char>(c) >= 0x80 || c == '"' || c == '\\') plain = false;
  if (plain) return "attachment; filename=\"" + std::string(filename) + "\"";
  return "attachment; filename*=utf-8''" + percent_encode(filename);
}

}  // namespace

FileResponse::FileResponse(const std::filesystem::path& path, int status_code, Headers headers,
                           std::string_view media_type, std::string_view filename)
    : Response(std::string{}, status_code, std::move(headers)) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
    throw HTTPException(404, "File not found: " + path.filename().string());
  const auto size = static_cast<std::uint64_t>(info.st_size);
  set_media_type(media_type.empty() ? guess_media_type(filename.empty() ? path : filename) : media_type);
  const auto modified = std::chrono::system_clock::from_time_t(info.st_mtime);
  this->headers.set("last-modified", http_date(modified));
  char etag[64];
  std::snprintf(etag, sizeof etag, "\"%llx-%llx\"", static_cast<unsigned long long>(info.st_mtime),
                static_cast<unsigned long long>(size));
  this->headers.set("etag", etag);
  if (!filename.empty()) this->headers.set("content-disposition", content_disposition(filename));
  auto file = std::make_shared<FileStream>(path, size);
  if (!file->is_open()) throw HTTPException(403, "File not readable: " + path.filename().string());
  stream = std::move(file);
}

std::string_view guess_media_type(const std::filesystem::path& path) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html"},        {".htm", "text/html"},         {".txt", "text/plain"},
      {".css", "text/css"},          {".csv", "text/csv"},          {".js", "text/javascript"},
      {".mjs", "text/javascript"},   {".json", "application/json"}, {".xml", "application/xml"},
      {".pdf", "application/pdf"},   {".zip", "application/zip"},   {".gz", "application/gzip"},
      {".wasm", "application/wasm"}, {".png", "image/png"},         {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},       {".gif", "image/gif"},         {".svg", "image/svg+xml"},
      {".webp", "image/webp"},       {".ico", "image/x-icon"},      {".mp3", "audio/mpeg"},
      {".mp4", "video/mp4"},         {".woff", "font/woff"},        {".woff2", "font/woff2"},
  };
  std::string extension = path.extension().string();
  for (auto& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [known, type] : kTypes)
    if (extension == known) return type;
  return "application/octet-stream";
}

}  // namespace starling

#include <starling/exceptions.hpp>
#include <starling/responses.hpp>

#include "blocking.hpp"
#include "files/file_stream.hpp"
#include "http_date.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>

namespace starling {
namespace {

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
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);  // a FIFO must not block the open
  if (fd < 0 && errno == EACCES) throw HTTPException(403, "File not readable: " + path.filename().string());
  if (fd < 0) throw HTTPException(404, "File not found: " + path.filename().string());
  auto file = std::make_shared<const files::OpenFile>(fd);
  struct stat info {};
  // fstat of what was opened: the file checked is the file sent.
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode))
    throw HTTPException(404, "File not found: " + path.filename().string());
  const auto size = static_cast<std::uint64_t>(info.st_size);
  set_media_type(media_type.empty() ? guess_media_type(filename.empty() ? path : filename) : media_type);
  this->headers.set("last-modified", http_date(std::chrono::system_clock::from_time_t(info.st_mtime)));
  // Nanoseconds too: a file rewritten within the same second gets a new tag.
  char etag[80];
  std::snprintf(etag, sizeof etag, "\"%llx-%lx-%llx\"", static_cast<unsigned long long>(info.st_mtime),
                static_cast<unsigned long>(info.st_mtim.tv_nsec), static_cast<unsigned long long>(size));
  this->headers.set("etag", etag);
  this->headers.set("accept-ranges", "bytes");
  if (!filename.empty()) this->headers.set("content-disposition", content_disposition(filename));
  stream = std::make_shared<files::FileStream>(std::move(file), size, etag, info.st_mtime);
}

awaitable<Response> FileResponse::open(std::filesystem::path path, int status_code, Headers headers,
                                       std::string media_type, std::string filename) {
  std::function<Response()> make = [&]() -> Response {
    return FileResponse(path, status_code, std::move(headers), media_type, filename);
  };
  co_return co_await detail::run_blocking<Response>(std::move(make));
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

#include <starling/staticfiles.hpp>

#include <starling/exceptions.hpp>
#include <starling/request.hpp>
#include <starling/responses.hpp>
#include <starling/routing.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <optional>

namespace starling {
namespace {

namespace fs = std::filesystem;

// The file a URL path names under `root`, or nullopt when the path tries to
// leave it. The path is already percent-decoded, so "%2e%2e" arrives as "..".
std::optional<fs::path> join_inside(const fs::path& root, std::string_view path) {
  if (path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos) return std::nullopt;
  fs::path joined = root;
  while (!path.empty()) {
    const auto slash = path.find('/');
    const auto segment = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
    if (segment.empty() || segment == ".") continue;  // "//etc" never becomes an absolute path
    if (segment == "..") return std::nullopt;
    joined /= segment;
  }
  return joined;
}

std::optional<fs::path> real_path(const fs::path& path) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (!resolved) return std::nullopt;
  fs::path result(resolved);
  std::free(resolved);
  return result;
}

bool is_within(const fs::path& path, const fs::path& root) {
  const auto& text = path.native();
  const auto& prefix = root.native();
  return text == prefix || (text.starts_with(prefix) && (prefix.ends_with('/') || text[prefix.size()] == '/'));
}

enum class Kind { missing, file, directory };

// What a path names once symlinks are followed: the resolved path is the one
// opened, so a link swapped after the check cannot lead the open elsewhere.
struct Found {
  Kind kind = Kind::missing;
  fs::path real;
};

struct Lookup {
  Request& request;
  const fs::path& root;
  const StaticFilesOptions& options;

  // Follows symlinks, then refuses what leads out of the root unless allowed.
  Found find(const fs::path& path) const {
    auto real = real_path(path);
    if (!real || (!options.follow_symlinks && !is_within(*real, root))) return {};
    struct stat info {};
    if (::stat(real->c_str(), &info) != 0) return {};
    if (S_ISREG(info.st_mode)) return {Kind::file, std::move(*real)};
    if (S_ISDIR(info.st_mode)) return {Kind::directory, std::move(*real)};
    return {};
  }

  // The content type follows the name asked for, not a link's target.
  static Response send(const Found& found, const fs::path& asked, int status = 200) {
    return FileResponse(found.real, status, {}, guess_media_type(asked));
  }

  Response serve(std::string_view relative) const {
    const auto path = join_inside(root, relative);
    const Found found = path ? find(*path) : Found{};
    if (found.kind == Kind::file) return send(found, *path);
    if (found.kind == Kind::directory && options.html) {
      const auto index = *path / "index.html";
      if (const Found page = find(index); page.kind == Kind::file) {
        // "/docs" → "/docs/", so the page's relative links resolve inside it.
        if (!request.url().raw_path.ends_with('/')) {
          URL url = request.url();
          url.raw_path += '/';
          return RedirectResponse(url.host.empty() ? url.raw_path : url.to_string());
        }
        return send(page, index);
      }
    }
    const auto not_found = root / "404.html";
    if (const Found page = options.html ? find(not_found) : Found{}; page.kind == Kind::file)
      return send(page, not_found, 404);
    throw HTTPException(404);
  }
};

}  // namespace

StaticFiles::StaticFiles(std::filesystem::path directory, StaticFilesOptions options)
    : directory_(std::move(directory)), options_(options) {
  std::error_code ec;
  if (!fs::is_directory(directory_, ec) && options_.check_dir)
    throw std::invalid_argument("StaticFiles: directory '" + directory_.string() + "' does not exist");
  // Real paths are compared with it, so it must be one too.
  directory_ = fs::weakly_canonical(fs::absolute(directory_));
}

awaitable<Response> StaticFiles::operator()(Request& request) const {
  if (request.method() != "GET" && request.method() != "HEAD")
    throw HTTPException(405, std::string{}, Headers{{"allow", "GET, HEAD"}});
  // Under a Mount the rest of the path is the "path" parameter; as a plain
  // endpoint, the whole path.
  const std::string relative = request.path_params().contains("path") ? request.path_params()["path"] : request.path();
  const Lookup lookup{request, directory_, options_};
  // stat, realpath and open wait for the disk: on the worker pool, as the reads are.
  std::function<Response()> serve = [lookup, relative] { return lookup.serve(relative); };  // named: GCC 12
  co_return co_await run_in_threadpool(std::move(serve));
}

}  // namespace starling

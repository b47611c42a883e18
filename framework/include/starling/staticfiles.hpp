#pragma once
/// @file staticfiles.hpp
/// StaticFiles: a directory served under a Mount.

#include <starling/types.hpp>

#include <filesystem>

namespace starling {

/// Options of StaticFiles, as in Starlette.
struct StaticFilesOptions {
  bool html = false;             ///< a directory serves its index.html; a missing file, the root's 404.html
  bool follow_symlinks = false;  ///< serve symlinks that lead out of the directory
  bool check_dir = true;         ///< the constructor throws when the directory does not exist
};

/// Serves the files under `directory` for GET and HEAD (405 otherwise), as
/// FileResponses: content types, ETag, Last-Modified, 304s and ranges included.
/// Nothing outside the directory is served: `..`, backslashes, NUL bytes and
/// symlinks leading out are all a 404. Files are opened and read on the worker pool.
///   `Mount("/static", StaticFiles("static"), "static")`
class StaticFiles {
 public:
  /// @throws std::invalid_argument naming the directory when check_dir is set and it is missing.
  explicit StaticFiles(std::filesystem::path directory, StaticFilesOptions options = {});

  awaitable<Response> operator()(Request& request) const;

 private:
  std::filesystem::path directory_;  // canonical when it existed at construction
  StaticFilesOptions options_;
};

}  // namespace starling

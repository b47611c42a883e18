#pragma once
/// @file gzip.hpp
/// GZipMiddleware: gzip-compresses responses for clients that accept it.

#include <starling/types.hpp>

#include <cstddef>

namespace starling {

/// Options of GZipMiddleware, named and defaulted as in Starlette.
struct GZipOptions {
  /// Bodies shorter than this many bytes are sent as they are.
  std::size_t minimum_size = 500;
  /// zlib compression level, 0 (store only) to 9 (smallest, slowest).
  int compresslevel = 9;
};

/// Compresses a response with gzip when the request's Accept-Encoding allows it,
/// the response has no Content-Encoding yet, is not `text/event-stream`, and its body
/// is at least `minimum_size` bytes. Sets Content-Encoding and Vary, drops a stale
/// Content-Length. Streaming responses (unless their known length is below
/// `minimum_size`) are compressed chunk by chunk, each chunk flushed so it reaches
/// the client without waiting for the next one.
class GZipMiddleware {
 public:
  /// @throws std::invalid_argument when `compresslevel` is outside 0..9.
  explicit GZipMiddleware(GZipOptions options = {});

  /// Wraps `next`; an instance therefore converts to `Middleware`.
  Handler operator()(Handler next) const;

 private:
  GZipOptions options_;
};

}  // namespace starling

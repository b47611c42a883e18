#include <starling/middleware/gzip.hpp>

#include <starling/request.hpp>
#include <starling/responses.hpp>

#define ZLIB_CONST  // const-correct next_in, so request bodies need no const_cast
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace starling {

namespace {

// 15 is zlib's largest window; adding 16 makes zlib write a gzip header and trailer.
constexpr int kGzipWindowBits = 15 + 16;
constexpr int kMemLevel = 8;  // zlib's default
constexpr std::size_t kOutputStep = 16 * 1024;
// avail_in is a 32-bit uInt: feed larger inputs in pieces.
constexpr std::size_t kMaxInputStep = std::size_t{1} << 30;

/// One gzip member being written; owns its z_stream.
class Deflater {
 public:
  explicit Deflater(int level) {
    if (deflateInit2(&stream_, level, Z_DEFLATED, kGzipWindowBits, kMemLevel, Z_DEFAULT_STRATEGY) != Z_OK)
      throw std::runtime_error("gzip: deflateInit2 failed");
  }
  ~Deflater() { deflateEnd(&stream_); }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  /// Compresses `input`, then flushes with `flush` (Z_SYNC_FLUSH or Z_FINISH).
  std::string deflate(std::string_view input, int flush) {
    std::string out;
    do {
      auto step = std::min(input.size(), kMaxInputStep);
      stream_.next_in = reinterpret_cast<const Bytef*>(input.data());
      stream_.avail_in = static_cast<uInt>(step);
      input.remove_prefix(step);
      pump(input.empty() ? flush : Z_NO_FLUSH, out);
    } while (!input.empty());
    return out;
  }

 private:
  // zlib signals "more output pending" by filling the whole buffer it was given.
  void pump(int flush, std::string& out) {
    do {
      auto used = out.size();
      out.resize(used + kOutputStep);
      stream_.next_out = reinterpret_cast<Bytef*>(out.data() + used);
      stream_.avail_out = static_cast<uInt>(kOutputStep);
      int rc = ::deflate(&stream_, flush);
      out.resize(used + kOutputStep - stream_.avail_out);
      if (rc == Z_STREAM_ERROR) throw std::runtime_error("gzip: deflate failed");
    } while (stream_.avail_out == 0);
  }

  z_stream stream_{};
};

/// Gzips another stream chunk by chunk, with a sync flush after each so a chunk
/// (a server-sent update, a progress line) reaches the client promptly.
class GZipStream final : public BodyStream {
 public:
  GZipStream(std::shared_ptr<BodyStream> inner, int level) : inner_(std::move(inner)), deflater_(level) {}

  awaitable<std::optional<std::string>> next() override {
    while (!finished_) {
      auto chunk = co_await inner_->next();
      if (!chunk) {
        finished_ = true;
        co_return deflater_.deflate({}, Z_FINISH);
      }
      // Flushing nothing would still emit an empty block; wait for real data.
      if (chunk->empty()) continue;
      co_return deflater_.deflate(*chunk, Z_SYNC_FLUSH);
    }
    co_return std::nullopt;
  }

 private:
  std::shared_ptr<BodyStream> inner_;
  Deflater deflater_;
  bool finished_ = false;
};

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

// Accept-Encoding lists codings with optional weights; "gzip;q=0" is a refusal.
bool accepts_gzip(std::optional<std::string_view> accept_encoding) {
  if (!accept_encoding) return false;
  std::string_view rest = *accept_encoding;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    auto semicolon = item.find(';');
    if (!iequals(trim(item.substr(0, semicolon)), "gzip")) continue;
    if (semicolon == std::string_view::npos) return true;
    auto param = trim(item.substr(semicolon + 1));
    if (!istarts_with(param, "q=")) return true;
    auto weight = trim(param.substr(2));
    return weight.find_first_not_of("0.") != std::string_view::npos;
  }
  return false;
}

void add_vary_header(Headers& headers, std::string_view vary) {
  auto existing = headers.get("Vary");
  if (!existing) {
    headers.set("Vary", std::string(vary));
  } else if (existing->find(vary) == std::string_view::npos) {
    headers.set("Vary", std::string(*existing) + ", " + std::string(vary));
  }
}

// Server-sent events must not be buffered by a compressor, and gain little from it.
bool is_excluded(const Response& response) {
  auto content_type = response.headers.get("Content-Type");
  return content_type && istarts_with(trim(*content_type), "text/event-stream");
}

// Takes its state by value: the coroutine may outlive the Handler that started it.
awaitable<Response> handle(GZipOptions options, std::shared_ptr<const Handler> next, Request& request) {
  bool accepted = accepts_gzip(request.headers().get("Accept-Encoding"));
  Response response = co_await (*next)(request);
  if (!accepted || response.headers.contains("Content-Encoding") || is_excluded(response)) co_return response;
  if (response.stream) {
    // A file answers conditional and range requests on its own bytes first: a
    // 304 or a 206 must not be compressed, and a compressed stream could not answer.
    const auto stream = response.stream;
    stream->prepare(request, response);
    if (response.status_code == 304 || response.headers.contains("Content-Range")) co_return response;
  }

  if (response.stream) {
    auto length = response.stream->length();
    if (length && (*length == 0 || *length < options.minimum_size)) co_return response;
    response.stream = std::make_shared<GZipStream>(std::move(response.stream), options.compresslevel);
  } else {
    // An empty body (204, 304, ...) stays empty even with minimum_size 0.
    if (response.body.empty() || response.body.size() < options.minimum_size) co_return response;
    Deflater deflater(options.compresslevel);
    response.body = deflater.deflate(response.body, Z_FINISH);
  }
  response.headers.set("Content-Encoding", "gzip");
  // The server computes the length of a plain body, and streams ours chunked.
  response.headers.erase("Content-Length");
  add_vary_header(response.headers, "Accept-Encoding");
  co_return response;
}

}  // namespace

GZipMiddleware::GZipMiddleware(GZipOptions options) : options_(options) {
  if (options_.compresslevel < 0 || options_.compresslevel > 9)
    throw std::invalid_argument("GZipMiddleware: compresslevel " + std::to_string(options_.compresslevel) +
                                " is outside 0..9");
}

Handler GZipMiddleware::operator()(Handler next) const {
  return [options = options_, next = std::make_shared<const Handler>(std::move(next))](Request& request) {
    return handle(options, next, request);
  };
}

}  // namespace starling

// GZipMiddleware: compression by Accept-Encoding and minimum size, encoded or empty bodies left alone,
// Vary and Content-Length, streams compressed chunk by chunk (never event streams), level checks.
#include <starling/middleware/gzip.hpp>

#include <starling/application.hpp>
#include <starling/testclient.hpp>

#include <gtest/gtest.h>
#include <zlib.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace starling {
namespace {

// Decodes gzip incrementally, so a test can check what each chunk alone makes decodable.
class Inflater {
 public:
  Inflater() {
    if (inflateInit2(&stream_, 15 + 16) != Z_OK) throw std::runtime_error("inflateInit2 failed");
  }
  ~Inflater() { inflateEnd(&stream_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  /// Everything `input` decodes to. @throws std::runtime_error on corrupt data.
  std::string feed(const std::string& input) {
    std::string out;
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    stream_.avail_in = static_cast<uInt>(input.size());
    char buffer[4096];
    do {
      stream_.next_out = reinterpret_cast<Bytef*>(buffer);
      stream_.avail_out = sizeof buffer;
      int rc = inflate(&stream_, Z_SYNC_FLUSH);
      if (rc == Z_STREAM_END)
        ended = true;
      else if (rc != Z_OK && rc != Z_BUF_ERROR)
        throw std::runtime_error("inflate failed");
      out.append(buffer, sizeof buffer - stream_.avail_out);
    } while (stream_.avail_out == 0);
    return out;
  }

  bool ended = false;

 private:
  z_stream stream_{};
};

std::string gunzip(const std::string& data) {
  Inflater inflater;
  auto out = inflater.feed(data);
  if (!inflater.ended) throw std::runtime_error("gzip stream is truncated");
  return out;
}

const std::string kBody = [] {
  std::string body;
  for (int i = 0; i < 100; ++i) body += "line " + std::to_string(i) + " of a compressible body\n";
  return body;
}();

class ChunkList : public BodyStream {
 public:
  explicit ChunkList(std::vector<std::string> chunks, std::optional<std::uint64_t> length = std::nullopt)
      : chunks_(std::move(chunks)), length_(length) {}
  awaitable<std::optional<std::string>> next() override {
    if (index_ == chunks_.size()) co_return std::nullopt;
    co_return chunks_[index_++];
  }
  std::optional<std::uint64_t> length() const override { return length_; }

 private:
  std::vector<std::string> chunks_;
  std::optional<std::uint64_t> length_;
  std::size_t index_ = 0;
};

const std::vector<std::string> kChunks = {"data: first\n", "", "data: second\n", std::string(2000, 'z')};

awaitable<Response> large(Request&) { co_return PlainTextResponse(kBody); }
awaitable<Response> small(Request&) { co_return PlainTextResponse(std::string(499, 'x')); }
awaitable<Response> exact(Request&) { co_return PlainTextResponse(std::string(500, 'x')); }
awaitable<Response> no_content(Request&) { co_return Response("", 204); }
awaitable<Response> encoded(Request&) { co_return Response(kBody, 200, {{"Content-Encoding", "br"}}); }
awaitable<Response> varying(Request&) { co_return PlainTextResponse(kBody, 200, {{"Vary", "Origin"}}); }
awaitable<Response> stale_length(Request&) {
  co_return PlainTextResponse(kBody, 200, {{"Content-Length", std::to_string(kBody.size())}});
}
awaitable<Response> streamed(Request&) { co_return StreamingResponse(std::make_shared<ChunkList>(kChunks)); }
awaitable<Response> short_stream(Request&) {
  co_return StreamingResponse(std::make_shared<ChunkList>(std::vector<std::string>{"tiny"}, 4));
}
awaitable<Response> events(Request&) {
  co_return StreamingResponse(std::make_shared<ChunkList>(kChunks), 200, {}, "text/event-stream");
}

// Outermost middleware that pulls the (possibly gzipped) stream itself, keeping each
// chunk as the server would have sent it, then hands the joined body on.
Middleware record_chunks(std::shared_ptr<std::vector<std::string>> chunks) {
  return [chunks](Handler next) -> Handler {
    return [chunks, next](Request& request) -> awaitable<Response> {
      Response response = co_await next(request);
      if (response.stream) {
        while (auto chunk = co_await response.stream->next()) chunks->push_back(*chunk);
        response.stream.reset();
        for (const auto& chunk : *chunks) response.body += chunk;
      }
      co_return response;
    };
  };
}

class GZipMiddlewareTest : public ::testing::Test {
 protected:
  std::shared_ptr<std::vector<std::string>> chunks_ = std::make_shared<std::vector<std::string>>();
  App app_{{
      .routes = {Route("/", large), Route("/small", small), Route("/exact", exact), Route("/empty", no_content),
                 Route("/encoded", encoded), Route("/varying", varying), Route("/stale", stale_length),
                 Route("/stream", streamed), Route("/short", short_stream), Route("/events", events)},
      .middleware = {record_chunks(chunks_), GZipMiddleware({.minimum_size = 500})},
  }};
  TestClient client_{app_};

  TestResponse get(std::string_view path, std::string accept_encoding = "gzip, deflate, br") {
    RequestOptions options;
    if (!accept_encoding.empty()) options.headers.set("Accept-Encoding", std::move(accept_encoding));
    return client_.get(path, options);
  }
};

TEST_F(GZipMiddlewareTest, CompressesLargeBodiesAndRoundTrips) {
  auto response = get("/");
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(response.headers.get("Content-Encoding"), "gzip");
  EXPECT_EQ(response.headers.get("Vary"), "Accept-Encoding");
  EXPECT_LT(response.content.size(), kBody.size());
  EXPECT_EQ(gunzip(response.content), kBody);
  EXPECT_EQ(response.headers.get("Content-Type"), "text/plain; charset=utf-8");
}

TEST_F(GZipMiddlewareTest, MinimumSizeIsInclusive) {
  auto response = get("/small");
  EXPECT_FALSE(response.headers.contains("Content-Encoding"));
  EXPECT_FALSE(response.headers.contains("Vary"));
  EXPECT_EQ(response.content, std::string(499, 'x'));

  response = get("/exact");
  EXPECT_EQ(response.headers.get("Content-Encoding"), "gzip");
  EXPECT_EQ(gunzip(response.content), std::string(500, 'x'));
}

TEST_F(GZipMiddlewareTest, PlainWithoutGzipInAcceptEncoding) {
  for (std::string accept : {"", "identity", "br, deflate", "gzip;q=0, br", "GZIP;q=0.0"}) {
    auto response = get("/", accept);
    EXPECT_FALSE(response.headers.contains("Content-Encoding")) << accept;
    EXPECT_EQ(response.content, kBody) << accept;
  }
  for (std::string accept : {"GZip", "br;q=1.0, gzip;q=0.5", " deflate ,gzip"}) {
    auto response = get("/", accept);
    EXPECT_EQ(response.headers.get("Content-Encoding"), "gzip") << accept;
    EXPECT_EQ(gunzip(response.content), kBody) << accept;
  }
}

TEST_F(GZipMiddlewareTest, AlreadyEncodedResponseIsUntouched) {
  auto response = get("/encoded");
  EXPECT_EQ(response.headers.get("Content-Encoding"), "br");
  EXPECT_FALSE(response.headers.contains("Vary"));
  EXPECT_EQ(response.content, kBody);
}

TEST_F(GZipMiddlewareTest, EmptyBodyStaysEmpty) {
  auto response = get("/empty");
  EXPECT_EQ(response.status_code, 204);
  EXPECT_FALSE(response.headers.contains("Content-Encoding"));
  EXPECT_TRUE(response.content.empty());
}

TEST_F(GZipMiddlewareTest, VaryIsAppendedTo) {
  auto response = get("/varying");
  EXPECT_EQ(response.headers.get("Vary"), "Origin, Accept-Encoding");
  EXPECT_EQ(gunzip(response.content), kBody);
}

TEST_F(GZipMiddlewareTest, StaleContentLengthIsDropped) {
  auto response = get("/stale");
  EXPECT_EQ(response.headers.get("Content-Encoding"), "gzip");
  // Either absent or recomputed by the server: never the uncompressed length.
  auto length = response.headers.get("Content-Length");
  if (length) {
    EXPECT_EQ(*length, std::to_string(response.content.size()));
  }
  EXPECT_EQ(gunzip(response.content), kBody);
}

TEST_F(GZipMiddlewareTest, StreamingIsCompressedChunkByChunk) {
  auto response = get("/stream");
  EXPECT_EQ(response.headers.get("Content-Encoding"), "gzip");
  EXPECT_EQ(response.headers.get("Vary"), "Accept-Encoding");
  std::string joined;
  for (const auto& chunk : kChunks) joined += chunk;
  EXPECT_EQ(gunzip(response.content), joined);

  // Each non-empty input chunk becomes one output chunk that decodes on its own
  // (a sync flush); the last is the gzip trailer.
  ASSERT_EQ(chunks_->size(), 4u);
  Inflater inflater;
  EXPECT_EQ(inflater.feed((*chunks_)[0]), kChunks[0]);
  EXPECT_EQ(inflater.feed((*chunks_)[1]), kChunks[2]);
  EXPECT_EQ(inflater.feed((*chunks_)[2]), kChunks[3]);
  EXPECT_FALSE(inflater.ended);
  EXPECT_EQ(inflater.feed((*chunks_)[3]), "");
  EXPECT_TRUE(inflater.ended);
}

TEST_F(GZipMiddlewareTest, StreamingWithoutGzipIsUntouched) {
  auto response = get("/stream", "identity");
  EXPECT_FALSE(response.headers.contains("Content-Encoding"));
  EXPECT_EQ(*chunks_, std::vector<std::string>(kChunks.begin(), kChunks.end()));
}

TEST_F(GZipMiddlewareTest, ShortKnownLengthStreamIsUntouched) {
  auto response = get("/short");
  EXPECT_FALSE(response.headers.contains("Content-Encoding"));
  EXPECT_EQ(response.content, "tiny");
}

TEST_F(GZipMiddlewareTest, EventStreamIsNeverCompressed) {
  auto response = get("/events");
  EXPECT_FALSE(response.headers.contains("Content-Encoding"));
  EXPECT_EQ(*chunks_, std::vector<std::string>(kChunks.begin(), kChunks.end()));
}

TEST(GZipMiddleware, CompressLevelIsChecked) {
  EXPECT_THROW(GZipMiddleware({.compresslevel = 10}), std::invalid_argument);
  EXPECT_THROW(GZipMiddleware({.compresslevel = -1}), std::invalid_argument);
  EXPECT_NO_THROW(GZipMiddleware({.compresslevel = 1}));
}

TEST(GZipMiddleware, ZeroMinimumSizeAndLowLevelStillRoundTrip) {
  App app(
      {.routes = {Route("/small", small)}, .middleware = {GZipMiddleware({.minimum_size = 0, .compresslevel = 1})}});
  TestClient client(app);
  RequestOptions options;
  options.headers.set("Accept-Encoding", "gzip");
  auto response = client.get("/small", options);
  EXPECT_EQ(response.headers.get("Content-Encoding"), "gzip");
  EXPECT_EQ(gunzip(response.content), std::string(499, 'x'));
}

}  // namespace
}  // namespace starling

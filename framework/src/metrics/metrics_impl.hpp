#pragma once
// What a Metrics shares between its copies. Each thread counts into a shard of
// its own, with plain loads and stores (no lock, no read-modify-write on a
// line another core writes); a scrape adds the shards up.

#include <starling/metrics.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace starling {

namespace metrics {

/// One series (route, method, status) on one thread; only that thread writes it.
struct RequestCells {
  explicit RequestCells(std::size_t buckets) : bucket_counts(buckets + 1) {}  // + the +Inf bucket
  std::atomic<std::uint64_t> count{0};
  std::atomic<double> seconds{0};
  std::vector<std::atomic<std::uint64_t>> bucket_counts;  // per bucket, not cumulative
};

struct SeriesKey {
  std::string route;
  std::uint8_t method;  // an index into kMethods
  int status;
};

struct SeriesKeyView {
  std::string_view route;
  std::uint8_t method;
  int status;
};

struct SeriesHash {
  using is_transparent = void;
  std::size_t operator()(const SeriesKeyView& key) const;
  std::size_t operator()(const SeriesKey& key) const {
    return (*this)(SeriesKeyView{key.route, key.method, key.status});
  }
};

struct SeriesEqual {
  using is_transparent = void;
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return a.method == b.method && a.status == b.status && std::string_view(a.route) == std::string_view(b.route);
  }
};

/// A thread's counts. Its thread inserts series under `mutex` and reads the map
/// without it (no one else changes it); a scrape reads under `mutex`.
struct Shard {
  std::mutex mutex;
  std::unordered_map<SeriesKey, std::unique_ptr<RequestCells>, SeriesHash, SeriesEqual> series;
  std::atomic<std::int64_t> in_flight{0};  // changed where the request began and ended
};

/// The method label of an index: RFC 9110's nine, PATCH, or "other".
std::string_view method_name(std::uint8_t index);
std::uint8_t method_index(std::string_view method);

}  // namespace metrics

struct Metrics::Impl {
  explicit Impl(MetricsOptions options);

  /// This thread's shard, made on its first request.
  metrics::Shard& local_shard();
  /// Counts a finished request on this thread.
  void count(std::string_view route, std::string_view method, int status, double seconds);

  /// Unique among every Impl ever made: keys the threads' shard caches, which
  /// must not mistake a new Impl at a freed one's address for the old one.
  const std::uint64_t id;
  const std::vector<double> latency_buckets;

  std::mutex shards_mutex;
  std::vector<std::unique_ptr<metrics::Shard>> shards;

  std::mutex collectors_mutex;
  std::vector<MetricsCollector> collectors;
};

/// The text format of everything counted and collected (metrics/render.cpp).
std::string render_metrics(Metrics::Impl& impl);

}  // namespace starling

// Counting a request into this thread's shard: a hash lookup and plain stores.
#include "metrics/metrics_impl.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <stdexcept>

namespace starling {
namespace metrics {
namespace {

// RFC 9110's methods and PATCH; anything else is "other", so a client cannot
// make a series per invented method.
constexpr std::array<std::string_view, 10> kMethods = {"GET",    "HEAD",    "POST",  "PUT",     "PATCH",
                                                       "DELETE", "OPTIONS", "TRACE", "CONNECT", "other"};

std::atomic<std::uint64_t> next_id{1};

// Only this thread writes the cell: a load and a store, not a locked add.
void add(std::atomic<std::uint64_t>& cell, std::uint64_t amount) {
  cell.store(cell.load(std::memory_order_relaxed) + amount, std::memory_order_relaxed);
}

}  // namespace

std::size_t SeriesHash::operator()(const SeriesKeyView& key) const {
  return std::hash<std::string_view>{}(key.route) ^ (std::size_t(key.status) << 8 | key.method);
}

std::string_view method_name(std::uint8_t index) { return kMethods.at(index); }

std::uint8_t method_index(std::string_view method) {
  constexpr std::size_t kOther = kMethods.size() - 1;
  for (std::size_t i = 0; i < kOther; ++i)
    if (kMethods[i] == method) return static_cast<std::uint8_t>(i);
  return static_cast<std::uint8_t>(kOther);
}

}  // namespace metrics

Metrics::Impl::Impl(MetricsOptions options)
    : id(metrics::next_id.fetch_add(1)), latency_buckets(std::move(options.latency_buckets)) {
  if (!std::is_sorted(latency_buckets.begin(), latency_buckets.end()) ||
      std::adjacent_find(latency_buckets.begin(), latency_buckets.end()) != latency_buckets.end())
    throw std::invalid_argument("Metrics: latency_buckets must be in increasing order");
}

metrics::Shard& Metrics::Impl::local_shard() {
  // The last Impl this thread counted for, then every one it has.
  thread_local std::uint64_t last_id = 0;
  thread_local metrics::Shard* last_shard = nullptr;
  if (last_id == id) return *last_shard;
  // The Impl owns the shards; an entry of an Impl that is gone dangles, but its
  // id is never used again, so it is never read.
  thread_local std::unordered_map<std::uint64_t, metrics::Shard*> shards_of_this_thread;
  auto& shard = shards_of_this_thread[id];
  if (!shard) {
    auto made = std::make_unique<metrics::Shard>();
    shard = made.get();
    const std::lock_guard lock(shards_mutex);
    shards.push_back(std::move(made));
  }
  last_id = id;
  last_shard = shard;
  return *shard;
}

void Metrics::Impl::count(std::string_view route, std::string_view method, int status, double seconds) {
  auto& shard = local_shard();
  const metrics::SeriesKeyView key{route.empty() ? std::string_view("unmatched") : route, metrics::method_index(method),
                                   status};
  auto found = shard.series.find(key);
  if (found == shard.series.end()) {
    const std::lock_guard lock(shard.mutex);
    found = shard.series
                .emplace(metrics::SeriesKey{std::string(key.route), key.method, key.status},
                         std::make_unique<metrics::RequestCells>(latency_buckets.size()))
                .first;
  }
  auto& cells = *found->second;
  metrics::add(cells.count, 1);
  cells.seconds.store(cells.seconds.load(std::memory_order_relaxed) + seconds, std::memory_order_relaxed);
  const auto bucket = std::lower_bound(latency_buckets.begin(), latency_buckets.end(), seconds);
  metrics::add(cells.bucket_counts[static_cast<std::size_t>(bucket - latency_buckets.begin())], 1);
}

}  // namespace starling

// A scrape: the shards added up into prometheus-cpp's families, then the
// collectors' samples, written in the text format by prometheus-cpp.
#include "metrics/metrics_impl.hpp"

#include <starling/logging.hpp>

#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

namespace starling {
namespace {

struct Latency {
  std::vector<std::uint64_t> bucket_counts;
  double seconds = 0;
};

// Sorted, so a scrape lists series in a stable order.
struct Totals {
  std::map<std::tuple<std::string, std::uint8_t, int>, std::uint64_t> requests;
  std::map<std::pair<std::string, std::uint8_t>, Latency> latency;
  std::int64_t in_flight = 0;
};

Totals add_up(Metrics::Impl& impl) {
  Totals totals;
  const std::lock_guard shards_lock(impl.shards_mutex);
  for (const auto& shard : impl.shards) {
    totals.in_flight += shard->in_flight.load(std::memory_order_relaxed);
    const std::lock_guard lock(shard->mutex);
    for (const auto& [key, cells] : shard->series) {
      const auto count = cells->count.load(std::memory_order_relaxed);
      totals.requests[{key.route, key.method, key.status}] += count;
      auto& latency = totals.latency[{key.route, key.method}];
      latency.bucket_counts.resize(cells->bucket_counts.size());
      for (std::size_t i = 0; i < cells->bucket_counts.size(); ++i)
        latency.bucket_counts[i] += cells->bucket_counts[i].load(std::memory_order_relaxed);
      latency.seconds += cells->seconds.load(std::memory_order_relaxed);
    }
  }
  return totals;
}

std::vector<prometheus::MetricFamily> request_families(const Totals& totals, const std::vector<double>& bounds) {
  prometheus::MetricFamily requests{"starling_http_requests_total",
                                    "HTTP requests answered, by method, route template and status",
                                    prometheus::MetricType::Counter,
                                    {}};
  for (const auto& [key, count] : totals.requests) {
    const auto& [route, method, status] = key;
    prometheus::ClientMetric metric;
    metric.label = {
        {"method", std::string(metrics::method_name(method))}, {"route", route}, {"status", std::to_string(status)}};
    metric.counter.value = static_cast<double>(count);
    requests.metric.push_back(std::move(metric));
  }
  prometheus::MetricFamily durations{
      "starling_http_request_duration_seconds",
      "Time from the request's arrival in the app to its response, by method and route template",
      prometheus::MetricType::Histogram,
      {}};
  for (const auto& [key, latency] : totals.latency) {
    prometheus::ClientMetric metric;
    metric.label = {{"method", std::string(metrics::method_name(key.second))}, {"route", key.first}};
    metric.histogram.sample_sum = latency.seconds;
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < latency.bucket_counts.size(); ++i) {
      cumulative += latency.bucket_counts[i];
      const double bound = i < bounds.size() ? bounds[i] : std::numeric_limits<double>::infinity();
      metric.histogram.bucket.push_back({cumulative, bound});
    }
    // From the buckets, not the count read beside them: a request counted
    // between the two reads must not make _count differ from le="+Inf".
    metric.histogram.sample_count = cumulative;
    durations.metric.push_back(std::move(metric));
  }
  prometheus::MetricFamily in_flight{
      "starling_http_requests_in_flight", "HTTP requests being answered", prometheus::MetricType::Gauge, {}};
  prometheus::ClientMetric gauge;
  gauge.gauge.value = static_cast<double>(totals.in_flight);
  in_flight.metric.push_back(std::move(gauge));
  return {std::move(requests), std::move(durations), std::move(in_flight)};
}

prometheus::MetricType type_of(MetricSample::Type type) {
  return type == MetricSample::Type::counter ? prometheus::MetricType::Counter : prometheus::MetricType::Gauge;
}

// Samples of one name make one family, in the order the collector gave them.
void add_samples(std::vector<prometheus::MetricFamily>& families, const std::vector<MetricSample>& samples) {
  for (const auto& sample : samples) {
    auto family = std::find_if(families.begin(), families.end(), [&](const auto& f) { return f.name == sample.name; });
    if (family == families.end()) {
      families.push_back({sample.name, sample.help, type_of(sample.type), {}});
      family = std::prev(families.end());
    }
    prometheus::ClientMetric metric;
    for (const auto& [name, value] : sample.labels) metric.label.push_back({name, value});
    if (sample.type == MetricSample::Type::counter) {
      metric.counter.value = sample.value;
    } else {
      metric.gauge.value = sample.value;
    }
    family->metric.push_back(std::move(metric));
  }
}

}  // namespace

std::string render_metrics(Metrics::Impl& impl) {
  auto families = request_families(add_up(impl), impl.latency_buckets);
  std::vector<MetricsCollector> collectors;
  {
    const std::lock_guard lock(impl.collectors_mutex);
    collectors = impl.collectors;
  }
  for (const auto& collect : collectors) {
    try {
      add_samples(families, collect());
    } catch (const std::exception& error) {
      log::warning(std::string("metrics: a collector failed, its samples are left out: ") + error.what());
    } catch (...) {
      log::warning("metrics: a collector failed (not with a std::exception), its samples are left out");
    }
  }
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace starling

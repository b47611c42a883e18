#pragma once
/// @file metrics.hpp
/// Prometheus metrics (the text exposition format, written by prometheus-cpp;
/// each thread counts into its own shard, which a scrape adds up):
/// requests by route template, method and status, a latency histogram, the
/// requests in flight, and readings an app adds at scrape time, such as its
/// database pool's (`starling::pool_metrics`, in db_http.hpp).
///
///     Metrics metrics;
///     App app({.routes = {..., Route("/metrics", metrics.endpoint())},
///              .middleware = {metrics.middleware(), ...}});
///
/// The endpoint is open to whoever reaches it: wrap it (`requires_scopes`), or
/// serve it only where the scraper can reach it.

#include <starling/types.hpp>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace starling {

struct MetricsOptions {
  /// The latency histogram's upper bounds, in seconds (as starlette_exporter's).
  std::vector<double> latency_buckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
};

/// A reading taken when the metrics are scraped.
struct MetricSample {
  enum class Type { gauge, counter };
  std::string name;  ///< `[a-zA-Z_:][a-zA-Z0-9_:]*`, e.g. "starling_db_pool_waiting"
  std::string help;
  Type type = Type::gauge;
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
};

/// Called at each scrape; what it throws is logged and its samples left out.
using MetricsCollector = std::function<std::vector<MetricSample>()>;

/// The app's metrics. Copies share them. Series:
/// - `starling_http_requests_total{method, route, status}` (counter)
/// - `starling_http_request_duration_seconds{method, route}` (histogram)
/// - `starling_http_requests_in_flight` (gauge)
///
/// `route` is the template that matched (`/notes/{id:int}`), or "unmatched"
/// for an answer given before a route matched (a 404 or 405, and what earlier
/// middleware answered: a 401, a CORS preflight): the path itself would make a
/// series per URL a client invents. A method other than RFC 9110's eight and
/// PATCH counts as "other".
class Metrics {
 public:
  /// @throws std::invalid_argument when latency_buckets are not increasing.
  explicit Metrics(MetricsOptions options = {});

  /// Counts and times each request, from this middleware's call to the
  /// endpoint's response (an exception counts as 500). Put it first: it then
  /// times the other middleware too. WebSocket sessions are not counted.
  Middleware middleware() const;
  /// Serves the text format (`text/plain; version=0.0.4`).
  Handler endpoint() const;
  /// Adds readings taken at each scrape. @throws std::invalid_argument for an empty collector.
  void add_collector(MetricsCollector collector);
  /// The text the endpoint serves.
  std::string render() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace starling

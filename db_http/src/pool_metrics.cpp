#include <starling/db/database.hpp>
#include <starling/db_http.hpp>

namespace starling {

MetricsCollector pool_metrics(const db::Database& database, std::string name) {
  return [&database, name = std::move(name)] {
    const auto stats = database.stats();
    const auto sample = [&](std::string metric, std::string help, double value,
                            std::vector<std::pair<std::string, std::string>> labels = {}) {
      labels.insert(labels.begin(), {"database", name});
      return MetricSample{std::move(metric), std::move(help), MetricSample::Type::gauge, std::move(labels), value};
    };
    constexpr const char* kConnections = "Open database connections, by state";
    std::vector<MetricSample> samples = {
        sample("starling_db_pool_connections", kConnections, double(stats.in_use), {{"state", "in_use"}}),
        sample("starling_db_pool_connections", kConnections, double(stats.idle), {{"state", "idle"}}),
        sample("starling_db_pool_max_connections", "The most connections the pool opens", double(stats.max_size)),
        sample("starling_db_pool_waiting", "Callers queued for a connection", double(stats.waiting)),
        sample("starling_db_pool_timeouts_total", "Callers that waited past the acquire timeout (PoolTimeout)",
               double(stats.timeouts)),
    };
    samples.back().type = MetricSample::Type::counter;
    return samples;
  };
}

}  // namespace starling

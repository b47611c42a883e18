#include "settings.hpp"

#include <starling/db/testing.hpp>

namespace notes {

starling::db::DatabaseURL Settings::test_database_url() const {
  return starling::db::testing::test_database_url(database_url);
}

starling::db::DatabaseURL Settings::effective_database_url() const {
  return testing ? test_database_url() : database_url;
}

Settings load_settings(const starling::Config& config) {
  const Settings defaults;
  Settings settings;
  settings.database_url = config.get<starling::db::DatabaseURL>("DATABASE_URL", defaults.database_url);
  settings.testing = config.get<bool>("TESTING", false);
  settings.host = config.get<std::string>("HOST", defaults.host);
  settings.port = config.get<std::uint16_t>("PORT", defaults.port);
  settings.threads = config.get<std::size_t>("WORKERS", defaults.threads);
  settings.debug = config.get<bool>("DEBUG", false);
  settings.log_level = config.get<std::string>("LOG_LEVEL", defaults.log_level);
  settings.log_format = config.get<std::string>("LOG_FORMAT", defaults.log_format);
  settings.access_log = config.get<bool>("ACCESS_LOG", defaults.access_log);
  settings.pool_size = config.get<std::size_t>("DATABASE_POOL_SIZE", defaults.pool_size);
  settings.pool_timeout =
      std::chrono::milliseconds(config.get<std::size_t>("DATABASE_POOL_TIMEOUT_MS", defaults.pool_timeout.count()));
  settings.statement_timeout = std::chrono::milliseconds(
      config.get<std::size_t>("DATABASE_STATEMENT_TIMEOUT_MS", defaults.statement_timeout.count()));
  settings.static_dir = config.get<std::string>("STATIC_DIR", defaults.static_dir);
  settings.api_token = config.get<starling::Secret>("NOTES_API_TOKEN", starling::Secret());
  settings.forwarded_allow_ips = config.get<std::vector<std::string>>(
      "FORWARDED_ALLOW_IPS", starling::CommaSeparatedStrings(defaults.forwarded_allow_ips).items());
  settings.metrics = config.get<bool>("METRICS", defaults.metrics);
  if (settings.pool_size == 0) throw starling::ConfigError("DATABASE_POOL_SIZE must be at least 1");
  return settings;
}

}  // namespace notes

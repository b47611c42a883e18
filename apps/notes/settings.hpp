#pragma once
// Every setting of the notes service: the environment first, then `.env`, then
// the default. `.env.example` documents them all.

#include <starling/config.hpp>
#include <starling/db/url.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace notes {

struct Settings {
  starling::db::DatabaseURL database_url{"sqlite:///notes.db"};  ///< DATABASE_URL
  bool testing = false;                                          ///< TESTING: use TEST_DATABASE_URL with force_rollback
  std::string host = "127.0.0.1";                                ///< HOST
  std::uint16_t port = 8000;                                     ///< PORT
  std::size_t threads = 0;                                       ///< WORKERS: event-loop threads, 0 = one per core
  bool debug = false;                                            ///< DEBUG: exception messages in 500 bodies
  std::string log_level = "info";                                ///< LOG_LEVEL: debug, info, warning, error, off
  std::string log_format = "text";                               ///< LOG_FORMAT: text, or json (one object per line)
  bool access_log = true;                                        ///< ACCESS_LOG: a line per request
  std::size_t pool_size = 10;                                    ///< DATABASE_POOL_SIZE: connections at most
  std::chrono::milliseconds pool_timeout{5000};                  ///< DATABASE_POOL_TIMEOUT_MS: then 503
  std::chrono::milliseconds statement_timeout{30000};            ///< DATABASE_STATEMENT_TIMEOUT_MS: then 503; 0: none
  std::string static_dir = NOTES_STATIC_DIR;                     ///< STATIC_DIR: the web page's files
  starling::Secret api_token;                                    ///< NOTES_API_TOKEN: writes need it; empty: open
  std::vector<std::string> forwarded_allow_ips = {"127.0.0.1"};  ///< FORWARDED_ALLOW_IPS: trusted proxies
  bool metrics = false;  ///< METRICS: Prometheus metrics at /metrics (behind NOTES_API_TOKEN when set)

  /// The reference's TEST_DATABASE_URL: "test_" + the database's name.
  starling::db::DatabaseURL test_database_url() const;
  /// The URL the app uses: test_database_url() when testing, else database_url.
  starling::db::DatabaseURL effective_database_url() const;
};

/// Reads every setting from `config`.
/// @throws starling::ConfigError naming a setting that cannot be read.
Settings load_settings(const starling::Config& config);

}  // namespace notes

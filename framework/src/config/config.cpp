#include <starling/config.hpp>

#include <starling/logging.hpp>

#include "config/dotenv.hpp"

#include <fstream>
#include <sstream>
#include <system_error>

namespace starling {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) throw ConfigError("Config file '" + path.string() + "' could not be read");
  return std::move(text).str();
}

}  // namespace

Config::Config(std::filesystem::path env_file, Environ& environ, std::string env_prefix)
    : env_file_(std::move(env_file)), environ_(&environ), env_prefix_(std::move(env_prefix)) {
  if (env_file_.empty()) return;
  std::error_code error;
  env_file_found_ = std::filesystem::is_regular_file(env_file_, error);
  // A missing file is fine: in production (a container) the settings come from
  // the real environment and no .env exists. Starlette warns; a warning on every
  // start of every container would teach operators to ignore warnings, so this
  // says it at debug level, and a missing key's error names the missing file.
  if (!env_file_found_) {
    log::debug("Config file '" + env_file_.string() + "' not found: reading the environment only");
    return;
  }
  file_values_ = detail::parse_dotenv(read_file(env_file_), env_file_);
}

std::optional<std::string> Config::lookup(std::string_view key) const {
  const std::string full_key = env_prefix_ + std::string(key);
  if (auto value = environ_->get(full_key)) return value;
  if (const auto found = file_values_.find(full_key); found != file_values_.end()) return found->second;
  return std::nullopt;
}

std::string Config::require(std::string_view key) const {
  if (auto value = lookup(key)) return *std::move(value);
  std::string message =
      "Config '" + env_prefix_ + std::string(key) + "' is missing, and has no default (looked in the environment";
  if (!env_file_.empty()) {
    message += " and in '" + env_file_.string() + "'";
    if (!env_file_found_) message += ", which does not exist";
  }
  throw ConfigError(message + ")");
}

}  // namespace starling

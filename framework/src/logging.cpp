#include <starling/logging.hpp>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <string>

namespace starling::log {
namespace {

std::atomic<Level> current_level{Level::info};
std::atomic<Format> current_format{Format::text};

std::string lower_case(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower;
}

std::string_view level_name(Level level) {
  switch (level) {
    case Level::debug: return "DEBUG";
    case Level::info: return "INFO";
    case Level::warning: return "WARNING";
    case Level::error: return "ERROR";
    case Level::off: break;
  }
  return "";
}

// UTC to the second for people, to the millisecond for collectors that order lines.
std::string timestamp(bool milliseconds) {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  auto length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  if (milliseconds) {
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    length += static_cast<std::size_t>(std::snprintf(text + length, sizeof text - length, ".%03d", int(millis)));
  }
  text[length] = 'Z';
  return std::string(text, length + 1);
}

std::string text_line(Level level, std::string_view message) {
  std::string line = timestamp(false);
  line += ' ';
  line += level_name(level);
  line += ' ';
  line += message;
  return line;
}

std::string json_line(Level level, std::string_view message, std::initializer_list<Field> fields) {
  nlohmann::ordered_json line;
  line["time"] = timestamp(true);
  line["level"] = lower_case(level_name(level));
  line["message"] = message;
  for (const auto& field : fields)
    std::visit([&](const auto& value) { line[std::string(field.name)] = value; }, field.value);
  // A path or header may hold any bytes: invalid UTF-8 becomes U+FFFD, never a lost line.
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

void set_level(Level level) { current_level.store(level); }

Level level_from_string(std::string_view text) {
  const std::string lower = lower_case(text);
  if (lower == "debug") return Level::debug;
  if (lower == "info") return Level::info;
  if (lower == "warning" || lower == "warn") return Level::warning;
  if (lower == "error") return Level::error;
  if (lower == "off" || lower == "none") return Level::off;
  throw std::invalid_argument("unknown log level '" + std::string(text) +
                              "' (expected debug, info, warning, error or off)");
}

bool enabled(Level level) { return level >= current_level.load(std::memory_order_relaxed) && level != Level::off; }

void set_format(Format format) { current_format.store(format); }

Format format() { return current_format.load(std::memory_order_relaxed); }

Format format_from_string(std::string_view text) {
  const std::string lower = lower_case(text);
  if (lower == "text") return Format::text;
  if (lower == "json") return Format::json;
  throw std::invalid_argument("unknown log format '" + std::string(text) + "' (expected text or json)");
}

void write(Level level, std::string_view message, std::initializer_list<Field> fields) {
  if (!enabled(level)) return;
  std::string line = format() == Format::json ? json_line(level, message, fields) : text_line(level, message);
  line += '\n';
  // One write(2) per line keeps lines from different threads whole.
  [[maybe_unused]] auto written = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace starling::log

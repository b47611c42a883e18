#pragma once
/// @file logging.hpp
/// Levelled logging to stderr, one whole line per write (safe across threads):
/// text (`2026-12-08T10:00:00Z INFO message`) or JSON lines for a log collector.

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <variant>

namespace starling::log {

enum class Level { debug = 0, info = 1, warning = 2, error = 3, off = 4 };

/// Sets the lowest level printed (default: info).
void set_level(Level level);
/// Parses "debug", "info", "warning", "error", "off" (case-insensitive).
/// @throws std::invalid_argument naming the text.
Level level_from_string(std::string_view text);
bool enabled(Level level);

/// `text` (the default), or `json`: one object per line,
/// `{"time":"2026-12-08T10:00:00.123Z","level":"info","message":"...",...}`
/// with a line's fields as further members.
enum class Format { text, json };
void set_format(Format format);
Format format();
/// Parses "text" or "json" (case-insensitive). @throws std::invalid_argument naming the text.
Format format_from_string(std::string_view text);

/// A named value of a line (the access log's status, route, request id...).
/// JSON lines carry each as a member; text lines show the message alone.
struct Field {
  std::string_view name;
  std::variant<std::string_view, std::int64_t, double> value;
};

void write(Level level, std::string_view message, std::initializer_list<Field> fields = {});
inline void debug(std::string_view message) { write(Level::debug, message); }
inline void info(std::string_view message) { write(Level::info, message); }
inline void warning(std::string_view message) { write(Level::warning, message); }
inline void error(std::string_view message) { write(Level::error, message); }

}  // namespace starling::log

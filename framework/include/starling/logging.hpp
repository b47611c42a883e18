#pragma once
/// @file logging.hpp
/// Minimal levelled logging to stderr, one whole line per write (safe across threads).

#include <string_view>

namespace starling::log {

enum class Level { debug = 0, info = 1, warning = 2, error = 3, off = 4 };

/// Sets the lowest level printed (default: info).
void set_level(Level level);
/// Parses "debug", "info", "warning", "error", "off" (case-insensitive).
/// @throws std::invalid_argument naming the text.
Level level_from_string(std::string_view text);
bool enabled(Level level);

void write(Level level, std::string_view message);
inline void debug(std::string_view message) { write(Level::debug, message); }
inline void info(std::string_view message) { write(Level::info, message); }
inline void warning(std::string_view message) { write(Level::warning, message); }
inline void error(std::string_view message) { write(Level::error, message); }

}  // namespace starling::log

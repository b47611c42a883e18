#pragma once
/// @file dotenv.hpp
/// Internal: the `.env` parser behind Config.

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace starling::detail {

using EnvValues = std::map<std::string, std::string, std::less<>>;

/// Parses `.env` text: `KEY=value` lines, blank lines, `#` comments, `export KEY=value`,
/// 'single' (literal) and "double" (\n \r \t \" \\ escapes) quotes. Later keys win.
/// @throws ConfigError naming `file` and the line number of a malformed line.
EnvValues parse_dotenv(std::string_view text, const std::filesystem::path& file);

}  // namespace starling::detail

#pragma once
// Reads one sample out of Prometheus's text format.

#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace starling::test {

/// The value of the line for `series` (`name{labels}` exactly as printed, or a
/// bare name), or nullopt when the text has no such line.
inline std::optional<double> sample_value(const std::string& text, std::string_view series) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.size() > series.size() && line.starts_with(series) && line[series.size()] == ' ')
      return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

}  // namespace starling::test

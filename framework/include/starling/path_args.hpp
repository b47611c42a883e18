#pragma once
/// @file path_args.hpp
/// The parameters given to url_path_for and url_for: `{{"id", 3}, {"slug", "tea"}}`.

#include <concepts>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace starling {

/// A path parameter value for url_path_for: text or a number.
class PathArg {
 public:
  PathArg(const char* text) : text_(text) {}
  PathArg(std::string text) : text_(std::move(text)) {}
  PathArg(std::string_view text) : text_(text) {}
  template <std::integral T>
  PathArg(T number) : text_(std::to_string(number)) {}
  PathArg(double number);

  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

using PathArgs = std::map<std::string, PathArg, std::less<>>;

}  // namespace starling

#include "config/dotenv.hpp"

#include <starling/config.hpp>

#include <cstddef>
#include <string>

namespace starling::detail {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

bool is_key_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

bool is_valid_key(std::string_view key) {
  if (key.empty() || (key.front() >= '0' && key.front() <= '9')) return false;
  for (char c : key)
    if (!is_key_char(c)) return false;
  return true;
}

// One line's parse. The error text never quotes the line: a malformed line may hold a secret.
class LineParser {
 public:
  LineParser(const std::filesystem::path& file, std::size_t line_number) : file_(file), line_number_(line_number) {}

  [[noreturn]] void fail(const std::string& reason) const {
    throw ConfigError("Config file '" + file_.string() + "', line " + std::to_string(line_number_) + ": " + reason);
  }

  // After a closing quote only blanks and a comment may follow.
  void expect_end(std::string_view rest, std::string_view key) const {
    rest = trim(rest);
    if (!rest.empty() && rest.front() != '#')
      fail("unexpected text after the closing quote of '" + std::string(key) + "'");
  }

  std::string double_quoted(std::string_view text, std::string_view key) const {
    std::string value;
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '"') {
        expect_end(text.substr(i + 1), key);
        return value;
      }
      if (c != '\\' || i + 1 == text.size()) {
        value += c;
        continue;
      }
      switch (const char next = text[++i]) {
        case 'n': value += '\n'; break;
        case 'r': value += '\r'; break;
        case 't': value += '\t'; break;
        case '"':
        case '\\': value += next; break;
        default:  // unknown escapes stay as written, like a shell's double quotes
          value += '\\';
          value += next;
      }
    }
    fail("unterminated double-quoted value of '" + std::string(key) + "'");
  }

  std::string single_quoted(std::string_view text, std::string_view key) const {
    const auto close = text.find('\'');
    if (close == std::string_view::npos) fail("unterminated single-quoted value of '" + std::string(key) + "'");
    expect_end(text.substr(close + 1), key);
    return std::string(text.substr(0, close));
  }

  // '#' starts a comment only after a blank, so `COLOR=#fff` and `URL=a#b` keep theirs.
  static std::string unquoted(std::string_view text) {
    for (std::size_t i = 1; i < text.size(); ++i) {
      if (text[i] == '#' && is_blank(text[i - 1])) {
        text = text.substr(0, i);
        break;
      }
    }
    return std::string(trim(text));
  }

 private:
  const std::filesystem::path& file_;
  std::size_t line_number_;
};

}  // namespace

EnvValues parse_dotenv(std::string_view text, const std::filesystem::path& file) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // editors on Windows add a BOM
  EnvValues values;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    ++line_number;
    if (line.ends_with('\r')) line.remove_suffix(1);

    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    if (line.starts_with("export") && line.size() > 6 && is_blank(line[6])) line = trim(line.substr(7));

    const LineParser parser(file, line_number);
    const auto equals = line.find('=');
    if (equals == std::string_view::npos) parser.fail("expected KEY=value");
    const std::string_view key = trim(line.substr(0, equals));
    if (!is_valid_key(key)) parser.fail("invalid key (expected letters, digits, '_', '.' or '-')");

    const std::string_view raw = line.substr(equals + 1);
    const std::string_view rest = trim(raw);
    std::string value;
    if (rest.starts_with('"'))
      value = parser.double_quoted(rest.substr(1), key);
    else if (rest.starts_with('\''))
      value = parser.single_quoted(rest.substr(1), key);
    else
      value = LineParser::unquoted(raw);
    values.insert_or_assign(std::string(key), std::move(value));
  }
  return values;
}

}  // namespace starling::detail

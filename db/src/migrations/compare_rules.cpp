#include "migrations/compare_rules.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace starling::db::migrations {
namespace {

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// The position just past the quoted run opening at `i`.
std::size_t skip_quoted(std::string_view sql, std::size_t i) {
  const char quote = sql[i];
  for (++i; i < sql.size(); ++i) {
    if (sql[i] != quote) continue;
    if (i + 1 < sql.size() && sql[i + 1] == quote) {
      ++i;
      continue;
    }
    return i + 1;
  }
  return sql.size();
}

bool word_at(std::string_view sql, std::size_t i, std::string_view word) {
  if (sql.size() - i < word.size()) return false;
  for (std::size_t k = 0; k < word.size(); ++k)
    if (std::toupper(static_cast<unsigned char>(sql[i + k])) != word[k]) return false;
  return i + word.size() == sql.size() || !is_word(sql[i + word.size()]);
}

// The position past a PostgreSQL cast's type name, `i` being just after "::":
// `character varying(200)`, `timestamp without time zone`, `text[]`, `"t"`.
std::size_t skip_cast(std::string_view sql, std::size_t i) {
  if (i < sql.size() && sql[i] == '"') {
    i = skip_quoted(sql, i);
  } else {
    while (i < sql.size() && (is_word(sql[i]) || sql[i] == '.')) ++i;
  }
  static constexpr std::array<std::string_view, 6> kContinuations = {"VARYING", "PRECISION", "WITHOUT",
                                                                     "WITH",    "TIME",      "ZONE"};
  for (bool more = true; more;) {
    more = false;
    auto next = i;
    while (next < sql.size() && sql[next] == ' ') ++next;
    for (const auto word : kContinuations) {
      if (word_at(sql, next, word)) {
        i = next + word.size();
        more = true;
        break;
      }
    }
    if (!more && i < sql.size() && sql[i] == '(') {
      const auto close = sql.find(')', i);
      i = close == std::string_view::npos ? sql.size() : close + 1;
      more = true;
    } else if (!more && sql.substr(i, 2) == "[]") {
      i += 2;
      more = true;
    }
  }
  return i;
}

// Casts dropped, white space only between words, keywords upper case.
std::string canonical(std::string_view sql) {
  std::string out;
  for (std::size_t i = 0; i < sql.size();) {
    const char c = sql[i];
    if (c == '\'') {
      const auto end = skip_quoted(sql, i);
      out += sql.substr(i, end - i);
      i = end;
    } else if (c == ':' && i + 1 < sql.size() && sql[i + 1] == ':') {
      i = skip_cast(sql, i + 2);
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
      if (!out.empty() && is_word(out.back()) && i < sql.size() && is_word(sql[i])) out += ' ';
    } else {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      ++i;
    }
  }
  return out;
}

bool is_number(std::string_view text) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  bool digits = false;
  bool dot = false;
  for (const char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digits = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digits;
}

}  // namespace

std::string strip_outer_parentheses(std::string_view sql) {
  sql = trim(sql);
  while (sql.size() >= 2 && sql.front() == '(' && sql.back() == ')') {
    // Only if the first parenthesis closes at the very end: not "(a) + (b)".
    int depth = 0;
    std::size_t close = 0;
    for (std::size_t i = 0; i < sql.size() && close == 0; ++i) {
      if (sql[i] == '\'' || sql[i] == '"') {
        i = skip_quoted(sql, i) - 1;
      } else if (sql[i] == '(') {
        ++depth;
      } else if (sql[i] == ')' && --depth == 0) {
        close = i;
      }
    }
    if (close != sql.size() - 1) break;
    sql = trim(sql.substr(1, sql.size() - 2));
  }
  return std::string(sql);
}

std::string normalize_default(std::string_view sql) {
  std::string text = strip_outer_parentheses(sql);
  for (std::string previous; previous != text;) {
    previous = text;
    text = strip_outer_parentheses(canonical(text));
  }
  if (text.size() >= 2 && text.front() == '\'' && text.back() == '\'' &&
      is_number(std::string_view(text).substr(1, text.size() - 2)))
    text = text.substr(1, text.size() - 2);  // PostgreSQL writes DEFAULT -1 as '-1'::integer
  if (text.starts_with('+')) text.erase(0, 1);
  if (text == "NOW()" || text == "LOCALTIMESTAMP" || text == "TRANSACTION_TIMESTAMP()") return "CURRENT_TIMESTAMP";
  if (text == "TRUE") return "1";
  if (text == "FALSE") return "0";
  return text;
}

bool same_default(const std::optional<std::string>& a, const std::optional<std::string>& b) {
  // A DEFAULT NULL is no DEFAULT.
  const auto value = [](const std::optional<std::string>& sql) -> std::optional<std::string> {
    if (!sql) return std::nullopt;
    auto text = normalize_default(*sql);
    if (text == "NULL") return std::nullopt;
    return text;
  };
  return value(a) == value(b);
}

bool same_type(const ColumnSchema& live, const ColumnSchema& declared, Dialect dialect) {
  // An enum's CHECK: the same choices in any order are the same constraint.
  auto live_choices = live.type.choices;
  auto declared_choices = declared.type.choices;
  std::ranges::sort(live_choices);
  std::ranges::sort(declared_choices);
  if (live_choices != declared_choices) return false;
  // PostgreSQL's format_type() spells both sides, so its text is exact where the
  // Starling type is not: timestamptz and json read as DateTime and JSON too.
  if (dialect == Dialect::postgresql) return live.sql_type == declared.sql_type;
  if (live.type == declared.type) return true;
  return canonical(live.sql_type) == canonical(declared.sql_type);
}

}  // namespace starling::db::migrations

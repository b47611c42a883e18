#include "migrations/sqlite_table_parser.hpp"

#include <cctype>
#include <optional>

namespace starling::db::migrations {
namespace {

struct Token {
  std::string text;   // unquoted for identifiers
  bool word = false;  // a bare word: may be a keyword
  bool name = false;  // a bare word or a quoted identifier
};

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }

// Reads a quoted run starting at `i` (the opening quote), doubling the closing
// quote as its escape (SQL's rule for '' and ""; [brackets] have no escape).
std::string quoted(std::string_view sql, std::size_t& i, char close) {
  std::string text;
  for (++i; i < sql.size(); ++i) {
    if (sql[i] != close) {
      text += sql[i];
    } else if (close != ']' && i + 1 < sql.size() && sql[i + 1] == close) {
      text += close;
      ++i;
    } else {
      ++i;
      break;
    }
  }
  return text;
}

std::vector<Token> tokenize(std::string_view sql) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      const auto end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else if (c == '"' || c == '`' || c == '[') {
      tokens.push_back({quoted(sql, i, c == '[' ? ']' : c), false, true});
    } else if (c == '\'') {
      std::string text(1, '\'');  // a string: never a name
      text += quoted(sql, i, '\'');
      tokens.push_back({std::move(text), false, false});
    } else if (is_word_char(c)) {
      const auto start = i;
      while (i < sql.size() && is_word_char(sql[i])) ++i;
      tokens.push_back({std::string(sql.substr(start, i - start)), true, true});
    } else {
      tokens.push_back({std::string(1, c), false, false});
      ++i;
    }
  }
  return tokens;
}

bool is_keyword(const std::vector<Token>& tokens, std::size_t i, std::string_view keyword) {
  return i < tokens.size() && tokens[i].word && same_identifier(tokens[i].text, keyword);
}

bool is_punct(const std::vector<Token>& tokens, std::size_t i, char c) {
  return i < tokens.size() && !tokens[i].name && tokens[i].text.size() == 1 && tokens[i].text[0] == c;
}

// The column names of the parenthesised list opening at `open`: the first
// name of each element ("a COLLATE nocase DESC" is column a).
std::vector<std::string> column_list(const std::vector<Token>& tokens, std::size_t open) {
  std::vector<std::string> columns;
  int depth = 0;
  bool expecting = true;
  for (std::size_t i = open; i < tokens.size(); ++i) {
    if (is_punct(tokens, i, '(')) {
      ++depth;
    } else if (is_punct(tokens, i, ')')) {
      if (--depth == 0) break;
    } else if (depth == 1 && is_punct(tokens, i, ',')) {
      expecting = true;
    } else if (depth == 1 && expecting && tokens[i].name) {
      columns.push_back(tokens[i].text);
      expecting = false;
    }
  }
  return columns;
}

// The definitions between the outer parentheses of CREATE TABLE, split at
// their top-level commas.
std::vector<std::vector<Token>> definitions(const std::vector<Token>& tokens) {
  std::vector<std::vector<Token>> parts;
  int depth = 0;
  for (const auto& token : tokens) {
    const bool punct = !token.name && token.text.size() == 1;
    if (punct && token.text[0] == '(' && depth++ == 0) {
      parts.emplace_back();
      continue;
    }
    if (punct && token.text[0] == ')' && --depth == 0) break;
    if (depth == 0) continue;
    if (depth == 1 && punct && token.text[0] == ',') {
      parts.emplace_back();
      continue;
    }
    parts.back().push_back(token);
  }
  return parts;
}

void scan_definition(const std::vector<Token>& part, std::vector<NamedConstraint>& found) {
  if (part.empty()) return;
  const bool table_constraint = is_keyword(part, 0, "CONSTRAINT") || is_keyword(part, 0, "UNIQUE") ||
                                is_keyword(part, 0, "FOREIGN") || is_keyword(part, 0, "PRIMARY") ||
                                is_keyword(part, 0, "CHECK");
  const std::string column = table_constraint ? "" : part[0].text;
  for (std::size_t i = table_constraint ? 0 : 1; i + 1 < part.size(); ++i) {
    if (!is_keyword(part, i, "CONSTRAINT") || !part[i + 1].name) continue;
    const auto& name = part[i + 1].text;
    const auto at = i + 2;
    if (is_keyword(part, at, "UNIQUE")) {
      if (is_punct(part, at + 1, '('))
        found.push_back({NamedConstraint::Kind::unique, name, column_list(part, at + 1)});
      else if (!column.empty())
        found.push_back({NamedConstraint::Kind::unique, name, {column}});
    } else if (is_keyword(part, at, "FOREIGN") && is_keyword(part, at + 1, "KEY") && is_punct(part, at + 2, '(')) {
      found.push_back({NamedConstraint::Kind::foreign_key, name, column_list(part, at + 2)});
    } else if (is_keyword(part, at, "REFERENCES") && !column.empty()) {
      found.push_back({NamedConstraint::Kind::foreign_key, name, {column}});
    }
  }
}

bool is_string(const std::vector<Token>& tokens, std::size_t i) {
  return i < tokens.size() && !tokens[i].name && tokens[i].text.starts_with('\'');
}

// `CHECK ( name IN ( 'a' [, 'b' ...] ) )` from `at` (the CHECK keyword).
std::optional<EnumCheck> enum_check_at(const std::vector<Token>& part, std::size_t at) {
  if (!is_punct(part, at + 1, '(') || at + 2 >= part.size() || !part[at + 2].name || !is_keyword(part, at + 3, "IN") ||
      !is_punct(part, at + 4, '('))
    return std::nullopt;
  EnumCheck check{part[at + 2].text, {}};
  std::size_t i = at + 5;
  while (is_string(part, i)) {
    check.choices.push_back(part[i].text.substr(1));
    if (!is_punct(part, i + 1, ',')) break;
    i += 2;
  }
  if (!is_string(part, i)) return std::nullopt;  // an empty list, or one with something else in it
  if (check.choices.empty() || !is_punct(part, i + 1, ')') || !is_punct(part, i + 2, ')')) return std::nullopt;
  return check;
}

}  // namespace

std::vector<EnumCheck> enum_checks(std::string_view create_table_sql) {
  std::vector<EnumCheck> found;
  for (const auto& part : definitions(tokenize(create_table_sql))) {
    if (part.empty()) continue;
    const bool table_constraint = is_keyword(part, 0, "CONSTRAINT") || is_keyword(part, 0, "CHECK");
    for (std::size_t i = table_constraint ? 0 : 1; i < part.size(); ++i) {
      if (!is_keyword(part, i, "CHECK")) continue;
      auto check = enum_check_at(part, i);
      // A column's CHECK on another column is not that column's enum.
      if (check && (table_constraint || same_identifier(check->column, part[0].text))) found.push_back(*check);
    }
  }
  return found;
}

bool same_identifier(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

std::vector<NamedConstraint> named_constraints(std::string_view create_table_sql) {
  std::vector<NamedConstraint> found;
  for (const auto& part : definitions(tokenize(create_table_sql))) scan_definition(part, found);
  return found;
}

}  // namespace starling::db::migrations

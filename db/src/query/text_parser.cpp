#include "query/text_parser.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_map>

namespace starling::db::detail {

namespace {

bool identifier_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Just past the quoted run that opens at `start`. '' (or "") inside needs no
// special case: it closes the run and the caller's next character opens another.
std::size_t skip_quoted(std::string_view sql, std::size_t start, bool backslash_escapes) {
  const char quote = sql[start];
  for (std::size_t i = start + 1; i < sql.size(); ++i) {
    if (backslash_escapes && sql[i] == '\\')
      ++i;
    else if (sql[i] == quote)
      return i + 1;
  }
  return sql.size();
}

std::size_t past(std::string_view sql, std::size_t from, std::string_view terminator) {
  const auto found = sql.find(terminator, from);
  return found == std::string_view::npos ? sql.size() : found + terminator.size();
}

// PostgreSQL's $tag$ ... $tag$ (a function body, say); `start` is at a `$` that
// does not continue an identifier. `start` itself when it opens no such quote ($1).
std::size_t skip_dollar_quoted(std::string_view sql, std::size_t start) {
  std::size_t i = start + 1;
  if (i < sql.size() && sql[i] != '$' && !identifier_start(sql[i])) return start;
  while (i < sql.size() && identifier_char(sql[i])) ++i;
  if (i >= sql.size() || sql[i] != '$') return start;
  return past(sql, i + 1, sql.substr(start, i + 1 - start));
}

// Just past the literal, quoted identifier or comment opening at `i`; `i` if none does.
std::size_t skip_opaque(std::string_view sql, std::size_t i) {
  const char c = sql[i];
  const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
  const char before = i > 0 ? sql[i - 1] : '\0';
  if (c == '\'') {
    // E'...' (PostgreSQL) escapes with backslashes.
    const bool escape_string = (before == 'E' || before == 'e') && (i < 2 || !identifier_char(sql[i - 2]));
    return skip_quoted(sql, i, escape_string);
  }
  if (c == '"') return skip_quoted(sql, i, false);
  if (c == '-' && next == '-') return past(sql, i, "\n");
  if (c == '/' && next == '*') return past(sql, i + 2, "*/");
  if (c == '$' && !identifier_char(before)) return skip_dollar_quoted(sql, i);
  return i;
}

bool first_keyword_reads_only(std::string_view sql) {
  std::size_t i = 0;
  while (i < sql.size()) {
    if (std::isspace(static_cast<unsigned char>(sql[i])) || sql[i] == '(') {
      ++i;
    } else if (const auto end = skip_opaque(sql, i); end != i && sql[i] != '\'' && sql[i] != '"') {
      i = end;  // a comment
    } else {
      break;
    }
  }
  std::string keyword;
  for (; i < sql.size() && identifier_char(sql[i]); ++i)
    keyword += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i])));
  return keyword == "SELECT" || keyword == "VALUES";
}

const Value* find_value(const Values& values, std::string_view name) {
  const auto found =
      std::find_if(values.rbegin(), values.rend(), [&](const auto& entry) { return entry.first == name; });
  return found == values.rend() ? nullptr : &found->second;
}

}  // namespace

ParsedText parse_text(std::string_view sql) {
  ParsedText parsed;
  parsed.read_only = first_keyword_reads_only(sql);
  std::vector<std::string> pieces;  // the SQL around the placeholders: names.size() + 1 pieces
  std::string piece;
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    if (const auto end = skip_opaque(sql, i); end != i) {
      piece.append(sql.substr(i, end - i));
      i = end;
    } else if (c == ':' && next == ':') {  // a PostgreSQL cast, x::text
      piece += "::";
      i += 2;
    } else if (c == '\\' && next == ':') {  // an escaped, literal colon
      piece += ':';
      i += 2;
    } else if (identifier_start(c) && (i == 0 || !identifier_char(sql[i - 1]))) {  // a word: copied whole
      std::size_t end = i + 1;
      while (end < sql.size() && identifier_char(sql[end])) ++end;
      const auto word = sql.substr(i, end - i);
      parsed.returning =
          parsed.returning || std::ranges::equal(word, std::string_view("RETURNING"), [](char a, char b) {
            return std::toupper(static_cast<unsigned char>(a)) == b;
          });
      piece.append(word);
      i = end;
    } else if (c == ':' && identifier_start(next)) {
      std::size_t end = i + 1;
      while (end < sql.size() && identifier_char(sql[end])) ++end;
      pieces.push_back(std::move(piece));
      piece.clear();
      parsed.names.emplace_back(sql.substr(i + 1, end - i - 1));
      i = end;
    } else {
      piece += c;
      ++i;
    }
  }
  pieces.push_back(std::move(piece));
  for (std::size_t i = 0; i < parsed.names.size(); ++i) {
    const auto& name = parsed.names[i];
    auto position = std::find(parsed.distinct_names.begin(), parsed.distinct_names.end(), name);
    if (position == parsed.distinct_names.end()) position = parsed.distinct_names.insert(position, name);
    parsed.sqlite_sql += pieces[i] + "?";
    parsed.postgres_sql += pieces[i] + "$" + std::to_string(position - parsed.distinct_names.begin() + 1);
  }
  parsed.sqlite_sql += pieces.back();
  parsed.postgres_sql += pieces.back();
  return parsed;
}

std::shared_ptr<const ParsedText> parsed_text(const std::string& sql) {
  constexpr std::size_t kCapacity = 256;
  constexpr std::size_t kLongestCached = 4096;  // a few hundred statements stay small
  thread_local std::unordered_map<std::string, std::shared_ptr<const ParsedText>> cache;
  if (const auto found = cache.find(sql); found != cache.end()) return found->second;
  auto parsed = std::make_shared<const ParsedText>(parse_text(sql));
  if (sql.size() > kLongestCached) return parsed;
  if (cache.size() >= kCapacity) cache.clear();  // simple and bounded: SQL built at run time cannot grow it
  cache.emplace(sql, parsed);
  return parsed;
}

CompiledQuery bind_text(const ParsedText& parsed, Dialect dialect, const Values& values, std::string_view sql) {
  for (const auto& [name, value] : values)
    if (std::find(parsed.names.begin(), parsed.names.end(), name) == parsed.names.end())
      throw ProgrammingError("text query: parameter \"" + name + "\" is bound but the SQL has no :" + name +
                             " placeholder: " + std::string(sql));
  const bool sqlite = dialect == Dialect::sqlite;
  const auto& names = sqlite ? parsed.names : parsed.distinct_names;
  CompiledQuery query;
  query.read_only = parsed.read_only;
  query.returning = parsed.returning;
  query.sql = sqlite ? parsed.sqlite_sql : parsed.postgres_sql;
  query.params.reserve(names.size());
  for (const auto& name : names) {
    const Value* value = find_value(values, name);
    if (value == nullptr)
      throw ProgrammingError("text query: no value bound for parameter \"" + name + "\": " + std::string(sql));
    query.params.push_back(*value);
  }
  return query;
}

}  // namespace starling::db::detail

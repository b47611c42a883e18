#include <starling/datastructures.hpp>

#include <strings.h>
#include <algorithm>
#include <cctype>

namespace starling {

bool MultiDict::same_key(std::string_view a, std::string_view b) const {
  if (!case_insensitive_) return a == b;
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

const std::string* MultiDict::find(std::string_view key) const {
  for (const auto& [name, value] : items_)
    if (same_key(name, key)) return &value;
  return nullptr;
}

std::optional<std::string_view> MultiDict::get(std::string_view key) const {
  if (const auto* value = find(key)) return std::string_view(*value);
  return std::nullopt;
}

std::string MultiDict::get(std::string_view key, std::string_view fallback) const {
  if (const auto* value = find(key)) return *value;
  return std::string(fallback);
}

const std::string& MultiDict::at(std::string_view key) const {
  if (const auto* value = find(key)) return *value;
  throw std::out_of_range("no key '" + std::string(key) + "'");
}

std::vector<std::string_view> MultiDict::get_list(std::string_view key) const {
  std::vector<std::string_view> values;
  for (const auto& [name, value] : items_)
    if (same_key(name, key)) values.emplace_back(value);
  return values;
}

void MultiDict::set(std::string key, std::string value) {
  erase(key);
  items_.emplace_back(std::move(key), std::move(value));
}

std::size_t MultiDict::erase(std::string_view key) {
  const auto before = items_.size();
  std::erase_if(items_, [&](const Item& item) { return same_key(item.first, key); });
  return before - items_.size();
}

QueryParams QueryParams::parse(std::string_view query) {
  QueryParams params;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const auto key = pair.substr(0, eq);
    const auto value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    params.append(percent_decode(key, true), percent_decode(value, true));
  }
  return params;
}

std::string QueryParams::to_string() const {
  std::string out;
  for (const auto& [key, value] : items_) {
    if (!out.empty()) out += '&';
    out += percent_encode(key);
    out += '=';
    out += percent_encode(value);
  }
  return out;
}

std::any& State::lookup(const std::string& key) {
  const auto it = values_.find(key);
  if (it != values_.end()) return it->second;
  if (fallback_) return fallback_->lookup(key);
  throw std::out_of_range("state has no key '" + key + "'");
}

std::string URL::to_string() const {
  std::string out = scheme + "://" + host;
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on ":" + std::to_string(...) at -O3.
  if (port) {
    out += ':';
    out += std::to_string(*port);
  }
  out += raw_path;
  if (!query.empty()) {
    out += '?';
    out += query;
  }
  return out;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string percent_decode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out += static_cast<char>(high * 16 + low);
        i += 2;
        continue;
      }
    }
    out += (plus_as_space && c == '+') ? ' ' : c;
  }
  return out;
}

std::string percent_encode(std::string_view text, std::string_view safe) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~' || safe.find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

// ---- Secret, CommaSeparatedStrings ----

namespace {

constexpr std::string_view kHidden = "**********";

std::string_view trim_spaces(std::string_view text) {
  const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string to_string(const Secret&) { return std::string(kHidden); }

std::ostream& operator<<(std::ostream& out, const Secret&) { return out << kHidden; }

CommaSeparatedStrings::CommaSeparatedStrings(std::string_view value) {
  while (true) {
    const auto comma = value.find(',');
    const std::string_view item = trim_spaces(value.substr(0, comma));
    // Empty items are dropped, as Starlette's shlex split merges repeated separators.
    if (!item.empty()) items_.emplace_back(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

std::string to_string(const CommaSeparatedStrings& strings) {
  std::string joined;
  for (const auto& item : strings) {
    if (!joined.empty()) joined += ", ";
    joined += item;
  }
  return joined;
}

std::ostream& operator<<(std::ostream& out, const CommaSeparatedStrings& strings) { return out << to_string(strings); }

}  // namespace starling

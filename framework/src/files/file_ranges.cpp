// FileStream::prepare: conditional requests (RFC 9110 §13) and single byte
// ranges (§14), decided once the request is known.
#include "files/file_stream.hpp"

#include "http_date.hpp"

#include <starling/request.hpp>

#include <charconv>

namespace starling::files {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::optional<std::uint64_t> number(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string_view without_weak_prefix(std::string_view tag) { return tag.starts_with("W/") ? tag.substr(2) : tag; }

// If-None-Match compares weakly: W/"x" matches "x".
bool any_tag_matches(std::string_view list, std::string_view etag) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto tag = trim(list.substr(0, comma));
    if (tag == "*" || without_weak_prefix(tag) == etag) return true;
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
  return false;
}

// What a 304 keeps: the validators and caching headers (RFC 9110 §15.4.5).
void make_not_modified(Response& response) {
  response.status_code = 304;
  response.stream.reset();
  response.body.clear();
  for (const char* name : {"content-type", "content-length", "content-disposition", "accept-ranges"})
    response.headers.erase(name);
}

}  // namespace

void FileStream::prepare(const Request& request, Response& response) {
  if (response.status_code != 200) return;  // a 404.html page, say: sent as it is
  const auto method = request.method();
  if (method != "GET" && method != "HEAD") return;
  const Headers& headers = request.headers();
  if (not_modified(headers)) {
    make_not_modified(response);
    return;
  }
  if (method != "GET") return;  // Range applies to GET only
  const auto range = headers.get("range");
  if (!range) return;
  if (const auto if_range = headers.get("if-range"); if_range && !if_range_holds(*if_range)) return;
  answer_range(*range, response);
}

bool FileStream::not_modified(const Headers& headers) const {
  // If-None-Match, when present, decides alone.
  if (const auto tags = headers.get("if-none-match")) return any_tag_matches(*tags, etag_);
  if (const auto since = headers.get("if-modified-since")) {
    const auto date = parse_http_date(trim(*since));
    return date && modified_ <= *date;
  }
  return false;
}

bool FileStream::if_range_holds(std::string_view if_range) const {
  if_range = trim(if_range);
  // An entity tag compares strongly (a weak one never matches); otherwise a date must be exact.
  if (if_range.starts_with('"') || if_range.starts_with("W/")) return if_range == etag_;
  const auto date = parse_http_date(if_range);
  return date && *date == modified_;
}

void FileStream::answer_range(std::string_view range, Response& response) {
  // Only "bytes=first-last", "bytes=first-" or "bytes=-suffix"; anything else
  // (another unit, bad syntax, several ranges) is ignored: the whole file goes out.
  range = trim(range);
  if (range.size() < 6 || range.substr(0, 6) != "bytes=") return;
  const auto spec = trim(range.substr(6));
  if (spec.find(',') != std::string_view::npos) return;
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return;
  const auto first_text = trim(spec.substr(0, dash));
  const auto last_text = trim(spec.substr(dash + 1));
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  bool satisfiable = true;
  if (first_text.empty()) {
    const auto suffix = number(last_text);
    if (!suffix) return;
    satisfiable = *suffix > 0 && size_ > 0;
    first = *suffix >= size_ ? 0 : size_ - *suffix;
    last = size_ - 1;
  } else {
    const auto parsed_first = number(first_text);
    if (!parsed_first) return;
    const auto parsed_last = last_text.empty() ? std::optional<std::uint64_t>(UINT64_MAX) : number(last_text);
    if (!parsed_last || *parsed_last < *parsed_first) return;
    first = *parsed_first;
    satisfiable = first < size_;
    last = std::min(*parsed_last, size_ == 0 ? 0 : size_ - 1);
  }
  if (!satisfiable) {
    response.status_code = 416;
    response.stream.reset();
    response.body = json{{"detail", "Range not satisfiable: the file has " + std::to_string(size_) + " bytes"}}.dump();
    response.headers.set("content-type", "application/json");
    response.headers.set("content-range", "bytes */" + std::to_string(size_));
    return;
  }
  start_ = first;
  end_ = last + 1;
  response.status_code = 206;
  response.headers.set("content-range",
                       "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" + std::to_string(size_));
}

}  // namespace starling::files

#include "forms/multipart_parser.hpp"

#include <starling/exceptions.hpp>

#include <cctype>
#include <optional>

namespace starling::forms {
namespace {

constexpr std::string_view kHeadersEnd = "\r\n\r\n";
// RFC 2046 allows spaces after a boundary ("transport padding"); this many at most.
constexpr std::size_t kMaxPadding = 64;

HTTPException malformed(std::string_view why) {
  return HTTPException(400, "Malformed multipart body: " + std::string(why));
}

std::string lower(std::string_view text) {
  std::string result(text);
  for (auto& c : result) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// `type; key=value; key="quoted \"value\""`: the parameters, keys in lower case.
// Semicolons inside quotes belong to the value.
MultiDict header_params(std::string_view header) {
  MultiDict params;
  std::size_t i = header.find(';');
  while (i != std::string_view::npos && i < header.size()) {
    ++i;
    const auto eq = header.find('=', i);
    const auto semicolon = header.find(';', i);
    if (eq == std::string_view::npos || (semicolon != std::string_view::npos && semicolon < eq)) {
      i = semicolon;
      continue;
    }
    const std::string key = lower(trim(header.substr(i, eq - i)));
    i = eq + 1;
    while (i < header.size() && (header[i] == ' ' || header[i] == '\t')) ++i;
    std::string value;
    if (i < header.size() && header[i] == '"') {
      for (++i; i < header.size() && header[i] != '"'; ++i) {
        if (header[i] == '\\' && i + 1 < header.size()) ++i;
        value += header[i];
      }
      i = header.find(';', i);
    } else {
      const auto end = header.find(';', i);
      value = std::string(trim(header.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i)));
      i = end;
    }
    params.append(key, std::move(value));
  }
  return params;
}

// RFC 5987's `utf-8''percent%20encoded`; the charset is taken to be UTF-8.
std::string extended_value(std::string_view value) {
  const auto quote = value.find("''");
  return percent_decode(quote == std::string_view::npos ? value : value.substr(quote + 2));
}

}  // namespace

std::string multipart_boundary(std::string_view content_type) {
  const auto params = header_params(content_type);
  const auto boundary = params.get("boundary");
  if (!boundary || boundary->empty()) throw malformed("the Content-Type names no boundary");
  if (boundary->size() > 200) throw malformed("the boundary is longer than 200 characters");
  return std::string(*boundary);
}

MultipartParser::MultipartParser(std::string_view boundary, const FormLimits& limits)
    : limits_(limits), delimiter_("\r\n--" + std::string(boundary)), buffer_("\r\n") {
  // The CRLF put in front lets the first boundary, at the very start, match like the others.
}

void MultipartParser::feed(std::string_view piece) {
  buffer_.append(piece);
  while (step()) {
  }
}

FormData MultipartParser::finish() {
  while (step()) {
  }
  if (state_ != State::done) throw malformed("it ends before the closing boundary");
  return std::move(form_);
}

MultipartParser::Delimiter MultipartParser::delimiter_at(std::size_t at, std::size_t& end) const {
  // After "\r\n--boundary": "--" closes the body; optional padding and CRLF
  // open a part; anything else means the text was content, not a delimiter.
  const std::size_t after = at + delimiter_.size();
  if (buffer_.size() < after + 2) return Delimiter::need_more;
  if (buffer_.compare(after, 2, "--") == 0) {
    end = after + 2;
    return Delimiter::closing;
  }
  std::size_t i = after;
  while (i < buffer_.size() && i - after <= kMaxPadding && (buffer_[i] == ' ' || buffer_[i] == '\t')) ++i;
  if (i - after > kMaxPadding) return Delimiter::none;
  if (buffer_.size() < i + 2) return Delimiter::need_more;
  if (buffer_.compare(i, 2, "\r\n") != 0) return Delimiter::none;
  end = i + 2;
  return Delimiter::part;
}

bool MultipartParser::step() {
  if (state_ == State::done) {
    buffer_.clear();  // the epilogue is ignored
    return false;
  }
  if (state_ == State::headers) return read_headers();
  const bool in_part = state_ == State::data;
  const auto at = buffer_.find(delimiter_);
  if (at == std::string::npos) {
    // All but what could be the start of a delimiter is content (or preamble, dropped).
    const std::size_t keep = delimiter_.size() - 1;
    if (buffer_.size() > keep) {
      if (in_part) add_data(std::string_view(buffer_).substr(0, buffer_.size() - keep));
      buffer_.erase(0, buffer_.size() - keep);
    }
    return false;
  }
  std::size_t end = 0;
  const Delimiter found = delimiter_at(at, end);
  if (found == Delimiter::need_more || found == Delimiter::none) {
    // Up to the candidate (past its CR when it proved to be content) is settled.
    const std::size_t settled = found == Delimiter::none ? at + 1 : at;
    if (in_part) add_data(std::string_view(buffer_).substr(0, settled));
    buffer_.erase(0, settled);
    return found == Delimiter::none;
  }
  if (in_part) {
    add_data(std::string_view(buffer_).substr(0, at));
    end_part();
  }
  buffer_.erase(0, end);
  state_ = found == Delimiter::closing ? State::done : State::headers;
  return true;
}

bool MultipartParser::read_headers() {
  // A part with no header at all has its blank line first.
  const auto end = buffer_.starts_with("\r\n") ? 0 : buffer_.find(kHeadersEnd);
  const auto seen = end == std::string::npos ? buffer_.size() : end;
  if (seen > limits_.max_part_header_size)
    throw HTTPException(
        400, "Multipart part headers too large: limit is " + std::to_string(limits_.max_part_header_size) + " bytes");
  if (end == std::string::npos) return false;
  start_part(std::string_view(buffer_).substr(0, end));
  buffer_.erase(0, end == 0 ? 2 : end + kHeadersEnd.size());
  state_ = State::data;
  return true;
}

void MultipartParser::start_part(std::string_view header_block) {
  Headers headers;
  while (!header_block.empty()) {
    const auto line_end = header_block.find("\r\n");
    const auto line = header_block.substr(0, line_end);
    header_block = line_end == std::string_view::npos ? std::string_view{} : header_block.substr(line_end + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) throw malformed("a part header line has no name");
    headers.append(std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
  }
  const auto disposition = headers.get("content-disposition");
  if (!disposition) throw malformed("a part has no Content-Disposition header");
  const auto params = header_params(*disposition);
  const auto name = params.get("name");
  if (!name) throw malformed("a part's Content-Disposition has no name");
  name_ = std::string(*name);
  value_.clear();
  std::optional<std::string> filename;
  if (const auto extended = params.get("filename*")) {
    filename = extended_value(*extended);
  } else if (const auto plain = params.get("filename")) {
    filename = std::string(*plain);
  }
  if (!filename) {
    if (++fields_ > limits_.max_fields)
      throw HTTPException(400, "Too many fields in the form: limit is " + std::to_string(limits_.max_fields));
    file_.reset();
    return;
  }
  if (form_.files().size() >= limits_.max_files)
    throw HTTPException(400, "Too many files in the form: limit is " + std::to_string(limits_.max_files));
  const std::string content_type(headers.get("content-type").value_or("application/octet-stream"));
  file_ = std::make_shared<UploadFile>(std::move(*filename), content_type, std::move(headers), limits_.spool_threshold);
  form_.add_file(name_, file_);
}

void MultipartParser::add_data(std::string_view data) {
  if (data.empty()) return;
  if (file_) {
    file_->write(data);
    return;
  }
  if (value_.size() + data.size() > limits_.max_part_size)
    throw HTTPException(
        413, "Form field '" + name_ + "' too large: limit is " + std::to_string(limits_.max_part_size) + " bytes");
  value_.append(data);
}

void MultipartParser::end_part() {
  if (!file_) form_.append(std::move(name_), std::move(value_));
  file_.reset();
  name_.clear();
  value_.clear();
}

}  // namespace starling::forms

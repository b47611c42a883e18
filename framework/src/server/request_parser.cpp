#include "request_parser.hpp"

#include <algorithm>

namespace starling::server {

namespace http = boost::beast::http;

namespace {
// What on_body_init reserves at most: the body comes in pieces of about a read.
constexpr std::uint64_t kReserveLimit = 64 * 1024;
}  // namespace

RequestParser::RequestParser(std::size_t max_header_size, std::size_t max_header_fields)
    : fields_left_(max_header_fields) {
  header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(max_header_size, UINT32_MAX)));
  body_limit(boost::none);
}

void RequestParser::on_request_impl(http::verb, string_view method, string_view target, int version, error_code&) {
  parts_.method.assign(method.data(), method.size());
  parts_.target.assign(target.data(), target.size());
  parts_.version = version;
}

void RequestParser::on_response_impl(int, string_view, int, error_code& ec) {
  ec = http::error::bad_version;  // never called for a request parser
}

void RequestParser::on_field_impl(http::field field, string_view name, string_view value, error_code& ec) {
  // Trailer fields would let a chunked body rewrite headers the app already
  // trusted (or smuggle framing fields); they are dropped.
  if (in_trailer_) return;
  // Many tiny fields fit in the byte limit yet cost a node each in Headers.
  if (fields_left_ == 0) {
    ec = http::error::header_limit;
    return;
  }
  --fields_left_;
  switch (field) {
    case http::field::host: ++host_count_; break;
    case http::field::content_length: has_content_length_ = true; break;
    case http::field::transfer_encoding: has_transfer_encoding_ = true; break;
    case http::field::expect: has_expect_ = true; break;
    case http::field::upgrade: has_upgrade_ = true; break;
    default: break;
  }
  parts_.headers.append(std::string(name.data(), name.size()), std::string(value.data(), value.size()));
}

void RequestParser::on_header_impl(error_code&) { in_trailer_ = true; }

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) {
  if (length) parts_.body.reserve(static_cast<std::size_t>(std::min(*length, kReserveLimit)));
}

std::size_t RequestParser::on_body_impl(string_view body, error_code&) {
  parts_.body.append(body.data(), body.size());
  return body.size();
}

void RequestParser::on_chunk_header_impl(std::uint64_t, string_view, error_code&) {}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  parts_.body.append(body.data(), body.size());
  return body.size();
}

void RequestParser::on_finish_impl(error_code&) {}

}  // namespace starling::server

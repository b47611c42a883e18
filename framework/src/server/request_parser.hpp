#pragma once
// A Beast parser that fills RequestParts directly: each header is copied once,
// from the read buffer into Headers, with no Beast fields container in between.

#include <starling/request.hpp>

#include <boost/beast/http/basic_parser.hpp>

#include <cstddef>
#include <cstdint>

namespace starling::server {

/// Parses one request (use a new parser per request, as Beast requires).
class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  /// The body has no limit here: the app sets one per request (Request::max_body_size)
  /// and enforces it as the endpoint reads.
  /// Past `max_header_size` bytes or `max_header_fields` fields the head is
  /// refused (431).
  RequestParser(std::size_t max_header_size, std::size_t max_header_fields);

  /// The request so far: complete once the parser is done.
  RequestParts& parts() { return parts_; }
  const RequestParts& parts() const { return parts_; }

  /// How many Host fields the head had (RFC 9112 wants exactly one in HTTP/1.1).
  int host_count() const { return host_count_; }
  bool has_content_length() const { return has_content_length_; }
  bool has_transfer_encoding() const { return has_transfer_encoding_; }
  bool has_expect() const { return has_expect_; }
  bool has_upgrade() const { return has_upgrade_; }

 private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb, string_view method, string_view target, int version,
                       error_code& ec) override;
  void on_response_impl(int, string_view, int, error_code& ec) override;
  void on_field_impl(boost::beast::http::field field, string_view name, string_view value, error_code& ec) override;
  void on_header_impl(error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code& ec) override;
  std::size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t size, string_view extensions, error_code& ec) override;
  std::size_t on_chunk_body_impl(std::uint64_t remain, string_view body, error_code& ec) override;
  void on_finish_impl(error_code& ec) override;

  RequestParts parts_;
  std::size_t fields_left_;
  int host_count_ = 0;
  bool has_content_length_ = false;
  bool has_transfer_encoding_ = false;
  bool has_expect_ = false;
  bool has_upgrade_ = false;
  bool in_trailer_ = false;
};

}  // namespace starling::server

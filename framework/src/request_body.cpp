// Request: reading the body, whole or as it arrives, within its size limit.
#include <starling/exceptions.hpp>
#include <starling/request.hpp>

#include "bounded_json.hpp"
#include "client_connection.hpp"
#include "forms/multipart_parser.hpp"

#include <charconv>
#include <stdexcept>

namespace starling {
namespace {

// stream() hands out a body that is already in memory in pieces of this size,
// as it would arrive from the network.
constexpr std::size_t kPieceSize = 64 * 1024;

std::optional<std::uint64_t> declared_length(const Headers& headers) {
  const auto text = headers.get("content-length");
  if (!text) return std::nullopt;
  std::uint64_t length = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), length);
  if (error != std::errc{} || end != text->data() + text->size()) return std::nullopt;
  return length;
}

}  // namespace

void Request::check_body_size(std::uint64_t size) const {
  if (size > max_body_size_)
    throw HTTPException(413, "Request body too large: limit is " + std::to_string(max_body_size_) + " bytes");
}

// The next piece from wherever the body is: the connection, or body_ when it
// arrived with the head. Counts what passed against the limit.
awaitable<std::optional<std::string>> Request::next_piece() {
  if (body_state_ == BodyState::unread) {
    // Refused before a byte is read, so the client need not send the rest.
    if (const auto length = declared_length(headers_)) check_body_size(*length);
    body_state_ = BodyState::streaming;
  }
  std::optional<std::string> piece;
  if (body_pending_) {
    piece = co_await connection_->read_body();
  } else if (stream_offset_ < body_.size()) {
    piece = body_.substr(stream_offset_, kPieceSize);
    stream_offset_ += piece->size();
  }
  if (piece) {
    body_received_ += piece->size();
    check_body_size(body_received_);
  }
  co_return piece;
}

awaitable<std::string_view> Request::body() {
  if (body_state_ == BodyState::kept) co_return std::string_view(body_);
  if (body_state_ != BodyState::unread)
    throw std::logic_error("Request::body(): the body was already consumed by stream()");
  if (!body_pending_) {
    check_body_size(body_.size());
    body_state_ = BodyState::kept;
    co_return std::string_view(body_);
  }
  std::string whole;
  while (auto piece = co_await next_piece()) whole += *piece;
  body_ = std::move(whole);
  body_pending_ = false;
  body_state_ = BodyState::kept;
  co_return std::string_view(body_);
}

awaitable<std::optional<std::string>> Request::stream() {
  if (body_state_ == BodyState::kept) {
    if (stream_offset_ >= body_.size()) co_return std::nullopt;
    std::string piece = body_.substr(stream_offset_, kPieceSize);
    stream_offset_ += piece.size();
    co_return piece;
  }
  if (body_state_ == BodyState::consumed) co_return std::nullopt;
  auto piece = co_await next_piece();
  if (!piece) body_state_ = BodyState::consumed;
  co_return piece;
}

bool Request::is_disconnected() const { return connection_ && connection_->is_disconnected(); }

awaitable<nlohmann::json> Request::json() {
  const std::string_view text = co_await body();
  auto parsed = detail::parse_bounded_json(text);
  if (!parsed.error.empty()) throw HTTPException(400, "Invalid JSON body: " + parsed.error);
  co_return std::move(parsed.value);
}

awaitable<FormData> Request::form(FormLimits limits) {
  if (form_) co_return *form_;
  const auto media_type = this->media_type();
  if (media_type == "multipart/form-data") {
    forms::MultipartParser parser(forms::multipart_boundary(headers_.get("content-type").value_or("")), limits);
    while (auto piece = co_await stream()) parser.feed(*piece);
    form_ = std::make_shared<FormData>(parser.finish());
    co_return *form_;
  }
  if (media_type != "application/x-www-form-urlencoded" && !media_type.empty())
    throw HTTPException(415, "Unsupported form content type '" + media_type +
                                 "': expected application/x-www-form-urlencoded or multipart/form-data");
  const std::string_view text = co_await body();
  if (media_type.empty() && !text.empty())
    throw HTTPException(415,
                        "A form body needs a Content-Type: application/x-www-form-urlencoded or "
                        "multipart/form-data");
  FormData fields(QueryParams::parse(text));
  if (fields.size() > limits.max_fields)
    throw HTTPException(400, "Too many fields in the form: limit is " + std::to_string(limits.max_fields));
  form_ = std::make_shared<FormData>(std::move(fields));
  co_return *form_;
}

}  // namespace starling

#pragma once
// multipart/form-data (RFC 7578), parsed as the body arrives: pieces of any
// size, split anywhere, give the same form; memory stays at about one piece
// plus one field's value, since file content goes straight to its UploadFile.

#include <starling/forms.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace starling::forms {

/// The boundary parameter of a multipart Content-Type header.
/// @throws HTTPException 400 when it is missing or unusable.
std::string multipart_boundary(std::string_view content_type);

class MultipartParser {
 public:
  MultipartParser(std::string_view boundary, const FormLimits& limits);

  /// Parses the next piece of the body.
  /// @throws HTTPException 400 (malformed, too many fields or files) or 413 (a field too large).
  void feed(std::string_view piece);
  /// The body ended: the form, or HTTPException 400 when it ended inside a part.
  FormData finish();

 private:
  enum class State { preamble, headers, data, done };
  enum class Delimiter { none, part, closing, need_more };

  bool step();  // one transition; false when it needs more input
  bool read_headers();
  /// What the delimiter text at `at` turns out to be; `end` is past it (and its CRLF).
  Delimiter delimiter_at(std::size_t at, std::size_t& end) const;
  void start_part(std::string_view header_block);
  void add_data(std::string_view data);
  void end_part();

  FormLimits limits_;
  std::string delimiter_;  // "\r\n--" + boundary
  std::string buffer_;     // input not parsed yet
  State state_ = State::preamble;
  FormData form_;
  std::size_t fields_ = 0;
  // The part being read: a field's name and value, or a file.
  std::string name_;
  std::string value_;
  std::shared_ptr<UploadFile> file_;
};

}  // namespace starling::forms

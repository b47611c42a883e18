// multipart/form-data as the server reads it: the boundary from a
// Content-Type, then the body in three pieces cut anywhere; a malformed
// body is an HTTPException (400/413), nothing else.
#include "forms/multipart_parser.hpp"
#include "fuzz_input.hpp"

#include <starling/exceptions.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  starling::fuzz::Input input(data, size);
  starling::FormLimits limits;
  limits.max_fields = 50;
  limits.max_files = 5;
  limits.max_part_size = 4096;
  limits.spool_threshold = input.byte() & 1 ? 16 : 4096;  // small: files spool to disk
  const std::size_t first_cut = input.byte();
  const std::size_t second_cut = input.byte();
  const auto text = input.rest();
  const auto line_end = text.find('\n');
  const auto content_type = text.substr(0, line_end);
  const auto body = line_end == std::string_view::npos ? std::string_view() : text.substr(line_end + 1);
  try {
    const auto boundary = starling::forms::multipart_boundary(content_type);
    starling::forms::MultipartParser parser(boundary, limits);
    const auto a = first_cut * body.size() / 255;  // three pieces, cut anywhere
    const auto b = a + second_cut * (body.size() - a) / 255;
    parser.feed(body.substr(0, a));
    parser.feed(body.substr(a, b - a));
    parser.feed(body.substr(b));
    const auto form = parser.finish();
    (void)form.to_string();
  } catch (const starling::HTTPException&) {
  }
  return 0;
}

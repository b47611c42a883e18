// HTTP/1.1 request framing as the server reads it: RequestParser (the Beast
// parser the session uses) fed in two pieces split anywhere, the checks the
// session makes on the head and on a failed read, and then the Request the
// app sees: its URL, query string, cookies and media type.
#include "fuzz_input.hpp"
#include "server/request_checks.hpp"
#include "server/request_parser.hpp"

#include <starling/request.hpp>

#include <boost/asio/buffer.hpp>

namespace {

constexpr std::size_t kMaxHeaderSize = 8 * 1024;
constexpr std::size_t kMaxHeaderFields = 100;

// Feeds `text` as the session does: the parser takes what it can, the rest waits for more.
boost::system::error_code feed(starling::server::RequestParser& parser, std::string_view& text) {
  boost::system::error_code ec;
  while (!text.empty() && !parser.is_done()) {
    const auto used = parser.put(boost::asio::buffer(text.data(), text.size()), ec);
    text.remove_prefix(used);
    if (ec || used == 0) break;
  }
  return ec;
}

void look_at(const starling::Request& request) {
  (void)request.url().path;
  (void)request.query_params().to_string();
  (void)request.cookies();
  (void)request.media_type();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  starling::fuzz::Input input(data, size);
  const auto split = input.split();
  const auto text = input.rest();
  starling::server::RequestParser parser(kMaxHeaderSize, kMaxHeaderFields);
  parser.eager(true);
  std::string_view first = text.substr(0, split);
  std::string_view second = text.substr(split);
  auto ec = feed(parser, first);
  if (!ec || ec == boost::beast::http::error::need_more) {
    std::string joined(first);
    joined += second;
    std::string_view rest = joined;
    ec = feed(parser, rest);
  }
  if (ec && ec != boost::beast::http::error::need_more) {
    (void)starling::server::read_error(ec, text, parser);
    return 0;
  }
  if (!parser.is_header_done() || starling::server::check_head(parser)) return 0;
  (void)starling::server::expects_continue(parser);
  look_at(starling::Request(std::move(parser.parts())));
  return 0;
}

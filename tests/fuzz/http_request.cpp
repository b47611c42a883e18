// HTTP/1.1 request framing as the session reads it: RequestParser (the Beast
// parser the session uses) takes the head from two pieces split anywhere, the
// session's head checks run, then the body is parsed from what is left; a
// failed read goes through read_error with the unparsed rest, an Upgrade
// through check_upgrade. Then the Request the app sees: its URL, query
// string, cookies and media type.
#include "fuzz_input.hpp"
#include "server/request_checks.hpp"
#include "server/request_parser.hpp"
#include "server/websocket_channel.hpp"

#include <starling/request.hpp>

#include <boost/asio/buffer.hpp>

namespace {

constexpr std::size_t kMaxHeaderSize = 8 * 1024;
constexpr std::size_t kMaxHeaderFields = 100;

// What Session::parse_buffered does with its buffer: `buffer` keeps what the parser did not take.
boost::system::error_code parse(starling::server::RequestParser& parser, std::string& buffer, bool body) {
  boost::system::error_code ec;
  do {
    if (buffer.empty()) return boost::beast::http::error::need_more;
    buffer.erase(0, parser.put(boost::asio::buffer(buffer.data(), buffer.size()), ec));
  } while (!ec && body && !parser.is_done());
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
  using boost::beast::http::error::need_more;
  starling::fuzz::Input input(data, size);
  const auto split = input.split();
  const auto text = input.rest();
  starling::server::RequestParser parser(kMaxHeaderSize, kMaxHeaderFields);
  std::string buffer(text.substr(0, split));  // the first read
  auto ec = parse(parser, buffer, /*body=*/false);
  if (ec == need_more) {  // the second read
    buffer.append(text.substr(split));
    ec = parse(parser, buffer, /*body=*/false);
  }
  if (ec) {
    (void)starling::server::read_error(ec, buffer, parser);
    return 0;
  }
  if (starling::server::check_head(parser)) return 0;
  if (!parser.is_done()) {
    ec = parse(parser, buffer, /*body=*/true);
    if (ec && ec != need_more) {
      (void)starling::server::read_error(ec, buffer, parser);
      return 0;
    }
    (void)starling::server::expects_continue(parser);
  }
  if (parser.has_upgrade()) (void)starling::server::check_upgrade(parser.parts());
  look_at(starling::Request(std::move(parser.parts())));
  return 0;
}

#pragma once
// What the server refuses before the app sees a request, and how each refusal
// reads to the client (RFC 9112 framing rules, limits, unsupported versions).

#include "convert.hpp"
#include "request_parser.hpp"

#include <starling/server.hpp>

#include <boost/system/error_code.hpp>

#include <optional>
#include <string_view>

namespace starling::server {

/// The response owed for a failed read of a request: 400, 431 or 505 with a
/// detail naming the problem. nullopt when the connection just ended (EOF, reset,
/// timeout, cancellation) and nothing can or need be answered.
/// `unparsed` is the read buffer, which still starts with the refused request line.
std::optional<ServerError> read_error(const boost::system::error_code& ec, std::string_view unparsed,
                                      const RequestParser& parser);

/// Checks a parsed head before its body is read: the target form, Host,
/// Transfer-Encoding and Expect. nullopt when the request may go on.
std::optional<ServerError> check_head(const RequestParser& parser);

/// True when the head asks for `100 Continue` before its body is sent.
bool expects_continue(const RequestParser& parser);

}  // namespace starling::server

#include <starling/exceptions.hpp>

namespace starling {
namespace {

std::string message_for(int status_code, const json& detail) {
  return std::to_string(status_code) + ": " + (detail.is_string() ? detail.get<std::string>() : detail.dump());
}

}  // namespace

HTTPException::HTTPException(int status_code, std::string detail, Headers headers)
    : HTTPException(status_code, json(detail.empty() ? std::string(reason_phrase(status_code)) : detail),
                    std::move(headers)) {}

HTTPException::HTTPException(int status_code, json detail, Headers headers)
    : std::runtime_error(message_for(status_code, detail)),
      status_code_(status_code),
      detail_(std::move(detail)),
      headers_(std::move(headers)) {}

std::string_view reason_phrase(int status_code) {
  switch (status_code) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "";
  }
}

}  // namespace starling

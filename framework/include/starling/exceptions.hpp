#pragma once
/// @file exceptions.hpp
/// HTTPException: raise it anywhere in an endpoint to answer with a status.

#include <starling/datastructures.hpp>
#include <starling/types.hpp>

#include <stdexcept>
#include <string>

namespace starling {

/// An error that becomes an HTTP response: `{"detail": detail}` with `status_code`.
class HTTPException : public std::runtime_error {
 public:
  /// `detail` defaults to the status' reason phrase ("Not Found").
  explicit HTTPException(int status_code, std::string detail = {}, Headers headers = {});
  HTTPException(int status_code, const char* detail, Headers headers = {})
      : HTTPException(status_code, std::string(detail), std::move(headers)) {}
  /// A structured detail, e.g. a list of validation errors.
  HTTPException(int status_code, json detail, Headers headers = {});

  int status_code() const { return status_code_; }
  const json& detail() const { return detail_; }
  const Headers& headers() const { return headers_; }

 private:
  int status_code_;
  json detail_;
  Headers headers_;
};

/// The client went away while its request body was being read. Nobody is left
/// to answer, so the app logs no error. (A client that only stalls gets a 408.)
class ClientDisconnect : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The reason phrase of an HTTP status ("Not Found"), or "" if unknown.
std::string_view reason_phrase(int status_code);

}  // namespace starling

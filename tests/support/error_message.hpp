#pragma once
// What a call throws, as text: lets a test compare a whole error message.

#include <starling/db/errors.hpp>

#include <string>
#include <utility>

namespace starling::test {

/// The message of the `Error` `f()` throws, or "(no error)".
template <class Error, class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& error) {
    return error.what();
  }
  return "(no error)";
}

/// The message of the db::ProgrammingError `f()` throws, or "(no error)".
template <class F>
std::string programming_error_of(F&& f) {
  return error_of<db::ProgrammingError>(std::forward<F>(f));
}

}  // namespace starling::test

#pragma once
// What a call throws, as text: lets a test compare a whole error message.

#include <starling/db/errors.hpp>

#include <string>

namespace starling::test {

/// The message of the db::ProgrammingError `f()` throws, or "(no error)".
template <class F>
std::string programming_error_of(F&& f) {
  try {
    f();
  } catch (const db::ProgrammingError& error) {
    return error.what();
  }
  return "(no error)";
}

}  // namespace starling::test

#pragma once
// What an exception_ptr holds, in words: for logs and the debug page.

#include <exception>
#include <string>
#include <vector>

namespace starling::app {

struct ExceptionInfo {
  std::string type;     ///< demangled, e.g. "std::runtime_error"
  std::string message;  ///< what(), or a note that it is no std::exception
};

/// The exception and, for std::nested_exception, what it wraps, outermost first.
std::vector<ExceptionInfo> describe_exception(const std::exception_ptr& error);

}  // namespace starling::app

#include "app/exception_info.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>

namespace starling::app {
namespace {

// The type of the exception being handled (call inside a catch).
std::string current_type_name() {
  const auto* type = abi::__cxa_current_exception_type();
  if (!type) return "unknown";
  int status = 0;
  const std::unique_ptr<char, decltype(&std::free)> demangled(
      abi::__cxa_demangle(type->name(), nullptr, nullptr, &status), &std::free);
  return status == 0 && demangled ? demangled.get() : type->name();
}

}  // namespace

std::vector<ExceptionInfo> describe_exception(const std::exception_ptr& error) {
  std::vector<ExceptionInfo> chain;
  std::exception_ptr current = error;
  // Bounded: a nested chain is finite, but a handful is all a reader needs.
  while (current && chain.size() < 16) {
    std::exception_ptr inner;
    try {
      std::rethrow_exception(current);
    } catch (const std::exception& e) {
      chain.push_back({current_type_name(), e.what()});
      if (const auto* nested = dynamic_cast<const std::nested_exception*>(&e)) inner = nested->nested_ptr();
    } catch (...) {
      chain.push_back({current_type_name(), "(not a std::exception)"});
    }
    current = inner;
  }
  return chain;
}

}  // namespace starling::app

#pragma once
/// @file run_command.hpp
/// Runs a shell command (curl, python3) and returns what it printed.

#include <string>

namespace starling::test {

/// The standard output of `command`, run by /bin/sh; "" when it cannot start.
std::string run_command(const std::string& command);

}  // namespace starling::test

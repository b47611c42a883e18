#pragma once
/// @file unique_name.hpp
/// Names for test databases and files that no other run can have taken.

#include <unistd.h>
#include <cstdio>
#include <random>
#include <string>

namespace starling::test {

/// `<pid>_<random hex>`: the pid keeps parallel suites apart; the random part
/// keeps a run apart from what an earlier, killed run left behind (pids recur).
inline std::string unique_run_name() {
  static const std::string name = [] {
    char random[9];
    std::snprintf(random, sizeof random, "%08x", static_cast<unsigned>(std::random_device{}()));
    return std::to_string(::getpid()) + "_" + random;
  }();
  return name;
}

}  // namespace starling::test

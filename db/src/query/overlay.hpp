#pragma once
// Named values laid over others: what values() and bind() do when called again.

#include <starling/db/statement.hpp>

#include <algorithm>

namespace starling::db::detail {

// `values` over `into`: a name already there takes its new value, a new name is appended.
inline Values overlay(Values into, const Values& values) {
  for (const auto& [name, value] : values) {
    const auto found = std::find_if(into.begin(), into.end(), [&](const auto& entry) { return entry.first == name; });
    if (found != into.end()) found->second = value;
    else into.emplace_back(name, value);
  }
  return into;
}

}  // namespace starling::db::detail

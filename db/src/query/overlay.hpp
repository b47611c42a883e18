#pragma once
// Named values laid over others: what values() and bind() do when called again.

#include <starling/db/statement.hpp>

#include <algorithm>
#include <string>
#include <string_view>

namespace starling::db::detail {

// `name` in `values` takes `value`: replaced if there, else appended.
// `Pairs` is Values, or Assignments (whose values are expressions).
template <class Pairs, class V>
void set_value(Pairs& values, std::string_view name, V value) {
  const auto found = std::find_if(values.begin(), values.end(), [&](const auto& entry) { return entry.first == name; });
  if (found != values.end())
    found->second = std::move(value);
  else
    values.emplace_back(std::string(name), std::move(value));
}

// `values` over `into`: a name already there takes its new value, a new name is appended.
template <class Pairs>
Pairs overlay(Pairs into, const Pairs& values) {
  for (const auto& [name, value] : values) set_value(into, name, value);
  return into;
}

}  // namespace starling::db::detail

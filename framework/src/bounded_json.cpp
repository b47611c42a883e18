#include "bounded_json.hpp"

namespace starling::detail {
namespace {

struct TooDeep {};

}  // namespace

BoundedJson parse_bounded_json(std::string_view text) {
  const auto limit_depth = [](int depth, json::parse_event_t event, json&) {
    if (depth > kMaxJsonDepth &&
        (event == json::parse_event_t::object_start || event == json::parse_event_t::array_start))
      throw TooDeep{};
    return true;
  };
  try {
    return {json::parse(text, limit_depth), {}};
  } catch (const TooDeep&) {
    return {json(), "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels"};
  } catch (const json::exception& error) {  // parse errors, and numbers too large (out_of_range)
    std::string what = error.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " prefix: clients need the rest.
    if (const auto bracket = what.find("] "); what.starts_with("[json.exception") && bracket != std::string::npos)
      what = what.substr(bracket + 2);
    return {json(), what};
  }
}

}  // namespace starling::detail

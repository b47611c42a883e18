#include "request_target.hpp"

namespace starling::detail {

TargetParts split_target(std::string_view target) {
  TargetParts parts;
  const auto scheme_end = target.find("://");
  if (!target.empty() && target.front() != '/' && scheme_end != std::string_view::npos) {
    target.remove_prefix(scheme_end + 3);
    const auto path_start = target.find_first_of("/?");
    parts.authority = target.substr(0, path_start);
    parts.absolute = true;
    target = path_start == std::string_view::npos ? std::string_view{} : target.substr(path_start);
  }
  const auto question = target.find('?');
  parts.path = target.substr(0, question);
  if (question != std::string_view::npos) parts.query = target.substr(question + 1);
  return parts;
}

}  // namespace starling::detail

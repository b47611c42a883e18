#pragma once
// A route's path template split into segments: "/notes/{id:int}" →
// [literal "notes", param id:int]. Shared by the router and url_path_for.

#include <starling/convertors.hpp>

#include <boost/container/small_vector.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace starling::routing {

struct Segment {
  std::string text;  ///< the literal text, or the parameter name
  bool is_param = false;
  Convertor convertor = Convertor::str;
};

/// Path segments; most paths fit without a heap allocation.
using Segments = boost::container::small_vector<std::string_view, 12>;

/// Splits a path on '/' after the leading one: "/" → [""], "/a/" → ["a", ""].
Segments split_path(std::string_view path);

/// Parses a template. @throws std::invalid_argument naming the template and the problem.
std::vector<Segment> parse_template(std::string_view path);

/// Parses a Host template ("{tenant}.example.com") into labels, literals lower-cased.
/// @throws std::invalid_argument naming the template and the problem.
std::vector<Segment> parse_host_template(std::string_view host);

/// A host parameter's value, as matched.
struct BoundLabel {
  std::string name;
  std::string value;  ///< lower-cased
  Convertor convertor = Convertor::str;
};

/// Whether `host` (a request's host, any case, no port) fits `labels`; the
/// parameters' values are appended to `bound` when it does. A parameter takes
/// a DNS label only (letters, digits, '-'), whatever its convertor allows.
bool host_matches(const std::vector<Segment>& labels, std::string_view host, std::vector<BoundLabel>& bound);

/// Whether `text` is a DNS label: letters, digits and '-', not empty.
bool is_dns_label(std::string_view text);

}  // namespace starling::routing

#pragma once
// TechEmpower's Fortune table and /fortunes: every row and one added at
// request time, sorted by message, in an HTML table with the text escaped.

#include <starling/db.hpp>
#include <starling/starling.hpp>

#include <string>
#include <vector>

namespace techempower {

struct Fortune {
  int id = 0;
  std::string message;
};

/// The 12 rows every TechEmpower implementation stores.
const std::vector<Fortune>& standard_fortunes();

/// The page for `fortunes`, in the order given.
std::string fortunes_page(const std::vector<Fortune>& fortunes);

starling::Route fortunes_route(starling::db::Database& database);

}  // namespace techempower

#include "fortunes.hpp"

#include <starling/db/typed_rows.hpp>

#include <algorithm>

namespace techempower {

BOOST_DESCRIBE_STRUCT(Fortune, (), (id, message))

const std::vector<Fortune>& standard_fortunes() {
  static const std::vector<Fortune> fortunes = {
      {1, "fortune: No such file or directory"},
      {2, "A computer scientist is someone who fixes things that aren't broken."},
      {3, "After enough decimal places, nobody gives a damn."},
      {4, "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1"},
      {5, "A computer program does what you tell it to do, not what you want it to do."},
      {6, "Emacs is a nice operating system, but I prefer UNIX. \u2014 Tom Christaensen"},
      {7, "Any program that runs right is obsolete."},
      {8, "A list is only as strong as its weakest link. \u2014 Donald Knuth"},
      {9, "Feature: A bug with seniority."},
      {10, "Computers make very fast, very accurate mistakes."},
      {11, "<script>alert(\"This should not be displayed in a browser alert box.\");</script>"},
      {12, "\u30d5\u30ec\u30fc\u30e0\u30ef\u30fc\u30af\u306e\u30d9\u30f3\u30c1\u30de\u30fc\u30af"},
  };
  return fortunes;
}

std::string fortunes_page(const std::vector<Fortune>& fortunes) {
  std::string page =
      "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>";
  page.reserve(2048);
  for (const auto& fortune : fortunes) {
    page += "<tr><td>";
    page += std::to_string(fortune.id);
    page += "</td><td>";
    starling::append_escaped_html(page, fortune.message);
    page += "</td></tr>";
  }
  page += "</table></body></html>";
  return page;
}

starling::Route fortunes_route(starling::db::Database& database) {
  const auto handler = [&database](starling::Request&) -> starling::awaitable<starling::Response> {
    const auto query = starling::db::text("SELECT id, message FROM fortune");
    auto fortunes = co_await database.fetch_all<Fortune>(query);
    fortunes.push_back({0, "Additional fortune added at request time."});
    // By message, byte by byte: UTF-8 sorts as its code points do.
    std::sort(fortunes.begin(), fortunes.end(),
              [](const Fortune& a, const Fortune& b) { return a.message < b.message; });
    co_return starling::HTMLResponse(fortunes_page(fortunes));
  };
  return starling::Route("/fortunes", handler, {"GET"});
}

}  // namespace techempower

#include <starling/db/typed_rows.hpp>

namespace starling::db::detail {

// Value writes dates and times as the databases store them; JSON wants RFC 3339.
std::string iso_date(std::chrono::year_month_day date) { return Value(date).as<std::string>(); }

std::string rfc3339(std::chrono::sys_time<std::chrono::microseconds> time) {
  std::string text = Value(time).as<std::string>();  // "2026-12-07 10:30:00" or "2026-12-07 10:30:00.250000"
  text[10] = 'T';
  return text + "Z";
}

void not_an_enumerator(std::string_view where, const std::vector<std::string>& names) {
  std::string listed;
  for (const auto& name : names) listed += (listed.empty() ? "" : ", ") + name;
  throw TypeError(std::string(where) + " is none of the enumerators " + listed);
}

void missing_member_column(const Row& row, std::string_view column) {
  std::string known;
  for (const auto& name : row.columns()) known += (known.empty() ? "" : ", ") + name;
  throw ProgrammingError("the row has no column '" + std::string(column) +
                         "' for the struct member of that name (columns: " + known + ")");
}

}  // namespace starling::db::detail

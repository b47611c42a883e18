#include <starling/db/typed_rows.hpp>

#include <cstdio>

namespace starling::db::detail {

std::string iso_date(std::chrono::year_month_day date) {
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()));
  return text;
}

std::string rfc3339(std::chrono::sys_time<std::chrono::microseconds> time) {
  using namespace std::chrono;
  const auto day = floor<days>(time);
  const hh_mm_ss clock(time - day);
  char text[64];
  std::snprintf(text, sizeof text, "%sT%02d:%02d:%02d", iso_date(year_month_day(day)).c_str(),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  std::string result = text;
  if (const auto micros = clock.subseconds().count(); micros != 0) {
    std::snprintf(text, sizeof text, ".%06lld", static_cast<long long>(micros));
    result += text;
  }
  return result + "Z";
}

void missing_member_column(const Row& row, std::string_view column) {
  std::string known;
  for (const auto& name : row.columns()) known += (known.empty() ? "" : ", ") + name;
  throw ProgrammingError("the row has no column '" + std::string(column) +
                         "' for the struct member of that name (columns: " + known + ")");
}

}  // namespace starling::db::detail

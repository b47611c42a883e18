// The project's one IMF-fixdate formatter: cookie expiry, Last-Modified and
// the server's Date header, in English whatever the program's locale.
#include "http_date.hpp"

#include "server/convert.hpp"
#include "support/german_locale.hpp"

#include <gtest/gtest.h>

#include <clocale>
#include <regex>

namespace {

using namespace std::chrono;

TEST(HttpDate, IsTheImfFixdateOfRfc9110) {
  EXPECT_EQ(starling::http_date(sys_days(1994y / November / 6) + 8h + 49min + 37s), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(starling::http_date(sys_days(2026y / December / 31) + 23h + 59min + 59s), "Thu, 31 Dec 2026 23:59:59 GMT");
  EXPECT_EQ(starling::http_date(sys_days(1970y / January / 1)), "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(HttpDate, StaysEnglishUnderAGermanLocale) {
  const starling::test::GermanLocale german(LC_TIME);
  ASSERT_TRUE(german.active()) << "localedef could not build de_DE";
  EXPECT_EQ(starling::http_date(sys_days(1994y / November / 6) + 8h + 49min + 37s), "Sun, 06 Nov 1994 08:49:37 GMT");
  const std::string now(starling::server::http_date_now());
  EXPECT_TRUE(std::regex_match(now, std::regex("(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d\\d "
                                               "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} "
                                               "\\d\\d:\\d\\d:\\d\\d GMT")))
      << now;
}

TEST(HttpDate, ParsesWhatItFormats) {
  const auto when = sys_days(1994y / November / 6) + 8h + 49min + 37s;
  EXPECT_EQ(starling::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), system_clock::to_time_t(when));
  EXPECT_EQ(starling::parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  const auto now = system_clock::to_time_t(system_clock::now());
  EXPECT_EQ(starling::parse_http_date(starling::http_date(system_clock::from_time_t(now))), now);
}

TEST(HttpDate, AnythingElseIsNoDate) {
  for (const char* text :
       {"", "yesterday", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 36 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT",
        "Sun, 0x Nov 1994 08:49:37 GMT"})
    EXPECT_EQ(starling::parse_http_date(text), std::nullopt) << text;
}

}  // namespace

// db::Value: each SQL type, lossless conversions, type errors naming both types, JSON round trips, exact
// decimals, and dates and timestamps read from ISO text and written as it.
#include <starling/db/value.hpp>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <cmath>

using namespace starling::db;

namespace {

template <class F>
std::string type_error_of(F&& read) {
  try {
    read();
  } catch (const TypeError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(Value, HoldsEachSqlType) {
  EXPECT_TRUE(Value().is_null());
  EXPECT_TRUE(Value(nullptr).is_null());
  EXPECT_EQ(Value(true).type(), ValueType::boolean);
  EXPECT_EQ(Value(42).type(), ValueType::integer);
  EXPECT_EQ(Value(std::int64_t{1} << 40).as<std::int64_t>(), std::int64_t{1} << 40);
  EXPECT_EQ(Value(2.5).type(), ValueType::real);
  EXPECT_EQ(Value("text").type(), ValueType::text);
  EXPECT_EQ(Value(Blob{1, 2}).type(), ValueType::blob);
  EXPECT_TRUE(Value(std::optional<int>()).is_null());
  EXPECT_EQ(Value(std::optional<int>(7)).as<int>(), 7);
}

TEST(Value, ReadsConvertWhereLossless) {
  EXPECT_TRUE(Value(1).as<bool>());  // SQLite's booleans are 0/1 integers
  EXPECT_FALSE(Value(0).as<bool>());
  EXPECT_EQ(Value(3).as<double>(), 3.0);
  EXPECT_EQ(Value("x").as<std::string>(), "x");
  EXPECT_EQ(Value().as<std::optional<std::string>>(), std::nullopt);
  EXPECT_EQ(Value("y").as<std::optional<std::string>>(), "y");
}

TEST(Value, MismatchesNameBothTypes) {
  EXPECT_EQ(type_error_of([] { Value("abc").as<int>("column 'id'"); }),
            "column 'id' is TEXT, which cannot be read as an integer");
  EXPECT_EQ(type_error_of([] { Value(2).as<bool>(); }), "value is INTEGER, which cannot be read as bool");
  EXPECT_EQ(type_error_of([] { Value(2.5).as<std::int64_t>(); }), "value is REAL, which cannot be read as an integer");
  EXPECT_EQ(type_error_of([] { Value().as<std::string>(); }), "value is NULL, which cannot be read as std::string");
  EXPECT_NE(type_error_of([] { Value(300).as<std::uint8_t>(); }).find("out of range"), std::string::npos);
}

TEST(Value, JsonRoundTrip) {
  EXPECT_EQ(Value::from_json(nlohmann::json(nullptr)), Value());
  EXPECT_EQ(Value::from_json(true), Value(true));
  EXPECT_EQ(Value::from_json(12), Value(12));
  EXPECT_EQ(Value::from_json(0.5), Value(0.5));
  EXPECT_EQ(Value::from_json("s"), Value("s"));
  EXPECT_EQ(Value::from_json(nlohmann::json{{"a", 1}}), Value(JsonText{R"({"a":1})"}));
  EXPECT_EQ(Value(JsonText{R"({"a":[1,2]})"}).to_json(), (nlohmann::json{{"a", {1, 2}}}));
  EXPECT_EQ(Value(JsonText{R"({"a":1})"}).as<std::string>(), R"({"a":1})");
  EXPECT_THROW(Value::from_json(nlohmann::json(std::uint64_t{1} << 63)), TypeError);
  nlohmann::json converted = Value("hello");
  EXPECT_EQ(converted, "hello");
  EXPECT_EQ(Value(true).to_json(), true);
  EXPECT_EQ(Value().to_json(), nullptr);
}

TEST(Value, ADecimalKeepsItsExactTextAndReadsAsANumber) {
  const Value price(Decimal{"12345678901234567890.0123456789"});
  EXPECT_EQ(price.type(), ValueType::decimal);
  EXPECT_EQ(price.as<std::string>(), "12345678901234567890.0123456789");  // every digit
  EXPECT_DOUBLE_EQ(price.as<double>(), 12345678901234567890.0123456789);  // the nearest double
  EXPECT_EQ(Value(Decimal{"-3.00"}).as<int>(), -3);                       // no fraction: an integer
  EXPECT_EQ(Value(Decimal{"+42"}).as<std::int64_t>(), 42);
  EXPECT_EQ(type_error_of([] { Value(Decimal{"2.50"}).as<int>("column 'price'"); }),
            "column 'price' is DECIMAL, which cannot be read as an integer");
  EXPECT_EQ(type_error_of([] { Value(Decimal{"99999999999999999999"}).as<std::int64_t>(); }),
            "value is DECIMAL, which cannot be read as an integer");  // too big for 64 bits
  EXPECT_NE(Value(Decimal{"12.50"}), Value(12.5));                    // a Value compares by kind too

  EXPECT_EQ(Value(Decimal{"12.50"}).to_json(), nlohmann::json(12.5));  // a JSON number
  EXPECT_TRUE(Value(Decimal{"9007199254740993"}).to_json().is_number_integer());
  EXPECT_EQ(Value(Decimal{"9007199254740993"}).to_json().get<std::int64_t>(),
            9007199254740993);                        // beyond a double, exact
  EXPECT_EQ(Value(Decimal{"NaN"}).to_json(), "NaN");  // JSON has no NaN
  EXPECT_TRUE(std::isnan(Value(Decimal{"NaN"}).as<double>()));
  EXPECT_EQ(Value(Decimal{"-Infinity"}).as<double>(), -HUGE_VAL);
  EXPECT_EQ(Value(Decimal{"+0.5"}).as<double>(), 0.5);
  EXPECT_EQ(type_error_of([] { Value(Decimal{"1,5"}).as<double>(); }),
            "value is DECIMAL, which cannot be read as a floating-point number");
}

TEST(Value, DatesAndTimestampsReadFromIsoTextAndWriteIt) {
  using namespace std::chrono;
  const auto noon = sys_days(2024y / February / 29) + 12h;
  EXPECT_EQ(Value("2024-02-29 12:00:00").as<sys_seconds>(), noon);
  EXPECT_EQ(Value("2024-02-29T12:00:00Z").as<sys_seconds>(), noon);
  EXPECT_EQ(Value("2024-02-29 13:00:00+01").as<sys_seconds>(), noon);  // PostgreSQL's timestamptz
  EXPECT_EQ(Value("2024-02-29 06:30:00-05:30").as<sys_seconds>(), noon);
  EXPECT_EQ(Value("2024-02-29 12:00:00.123456789").as<sys_time<microseconds>>(), noon + 123456us);
  EXPECT_EQ(Value("2024-02-29 12:00").as<sys_seconds>(), noon);
  EXPECT_EQ(Value("2024-02-29").as<sys_days>(), sys_days(2024y / February / 29));
  EXPECT_EQ(Value("2024-02-29").as<year_month_day>(), 2024y / February / 29);

  EXPECT_EQ(Value(noon + 250ms), Value("2024-02-29 12:00:00.250000"));
  EXPECT_EQ(Value(2024y / February / 29), Value("2024-02-29"));
  EXPECT_EQ(Value(noon + 7us).as<sys_time<microseconds>>(), noon + 7us);               // round trip
  EXPECT_EQ(Value(sys_time<nanoseconds>(-1ns)), Value("1969-12-31 23:59:59.999999"));  // rounded down, before 1970 too
  EXPECT_EQ(Value("1969-12-31 23:59:59.5").as<sys_seconds>(), sys_seconds(-1s));
  EXPECT_EQ(Value(std::optional<sys_seconds>()).as<std::optional<sys_seconds>>(), std::nullopt);

  for (const char* bad : {"2023-02-29", "2024-13-01", "24-02-29", "2024-02-29 25:00:00", "2024-02-29 12:00:00 UTC",
                          "infinity", "2024-02-29x"})
    EXPECT_EQ(type_error_of([&] { Value(bad).as<sys_seconds>("column 'at'"); }),
              "column 'at' is text that is not an ISO date or timestamp")
        << bad;
  EXPECT_EQ(type_error_of([] { Value("2024-02-29 12:00:00").as<year_month_day>("column 'on'"); }),
            "column 'on' is text that is not an ISO date");
  EXPECT_EQ(type_error_of([] { Value(5).as<sys_seconds>(); }), "value is INTEGER, which cannot be read as a timestamp");
}

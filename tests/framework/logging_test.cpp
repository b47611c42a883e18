// Logging: levels, and JSON lines (fields as members, invalid UTF-8 replaced, one
// object per line) beside the text format that shows the message alone.
#include <starling/logging.hpp>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace starling {
namespace {

// Sets a format for one test and puts the default back.
class LogFormat {
 public:
  explicit LogFormat(log::Format format) { log::set_format(format); }
  ~LogFormat() { log::set_format(log::Format::text); }
};

std::vector<std::string> lines_of(const std::string& output) {
  std::vector<std::string> lines;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(Logging, JsonLinesCarryTheFieldsAsMembers) {
  const LogFormat json(log::Format::json);
  ::testing::internal::CaptureStderr();
  log::write(log::Level::warning, "disk \"almost\" full",
             {{"path", "/data"}, {"free_bytes", std::int64_t{1024}}, {"ratio", 0.25}});
  const auto lines = lines_of(::testing::internal::GetCapturedStderr());
  ASSERT_EQ(lines.size(), 1u);
  const auto line = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(line["level"], "warning");
  EXPECT_EQ(line["message"], "disk \"almost\" full");
  EXPECT_EQ(line["path"], "/data");
  EXPECT_EQ(line["free_bytes"], 1024);
  EXPECT_EQ(line["ratio"], 0.25);
  EXPECT_TRUE(
      std::regex_match(line["time"].get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << line["time"];
  EXPECT_EQ(lines[0].find("\"time\""), 1u) << "time leads, so lines sort by it: " << lines[0];
}

TEST(Logging, JsonLinesSurviveAnyBytes) {
  const LogFormat json(log::Format::json);
  ::testing::internal::CaptureStderr();
  log::write(log::Level::info, "line\nbreak", {{"path", "/caf\xc3\xa9/\xff\xfe"}});
  const auto lines = lines_of(::testing::internal::GetCapturedStderr());
  ASSERT_EQ(lines.size(), 1u) << "a newline in a message must not split the line";
  const auto line = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(line["message"], "line\nbreak");
  EXPECT_EQ(line["path"], "/caf\xc3\xa9/\xef\xbf\xbd\xef\xbf\xbd");  // invalid bytes become U+FFFD
}

TEST(Logging, TextLinesShowTheMessageAlone) {
  ::testing::internal::CaptureStderr();
  log::write(log::Level::error, "it broke", {{"path", "/data"}});
  const std::string output = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(std::regex_match(output, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ERROR it broke\n)"))) << output;
}

TEST(Logging, LinesBelowTheLevelAreDropped) {
  const LogFormat json(log::Format::json);
  log::set_level(log::Level::warning);
  ::testing::internal::CaptureStderr();
  log::info("hidden");
  log::warning("shown");
  log::set_level(log::Level::info);
  const auto lines = lines_of(::testing::internal::GetCapturedStderr());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["message"], "shown");
}

TEST(Logging, FormatsAndLevelsParseByName) {
  EXPECT_EQ(log::format_from_string("JSON"), log::Format::json);
  EXPECT_EQ(log::format_from_string("text"), log::Format::text);
  EXPECT_EQ(log::level_from_string("Warning"), log::Level::warning);
  try {
    log::format_from_string("xml");
    FAIL() << "xml is no format";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("'xml'"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace starling

// Config and Environ: .env parsing (quotes, comments, malformed lines reported without their text), strict
// and range-checked typed reads, Secret, defaults, prefixes, and environ values protected once read.
#include <starling/config.hpp>
#include <starling/logging.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace starling {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// The message of the exception `f` throws, or a test failure if it throws nothing.
template <class Error = ConfigError, class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected an exception";
  return {};
}

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("starling_config_test_" + std::to_string(::getpid()) + "_" + test->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write_env(const std::string& text, const std::string& name = ".env") {
    fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  fs::path dir_;
};

TEST_F(ConfigTest, EnvironmentOverridesFile) {
  auto env = Environ::isolated({{"PORT", "9000"}});
  const Config config(write_env("PORT=8000\nHOST=example.org\n"), env);
  EXPECT_EQ(config.get<int>("PORT"), 9000);
  EXPECT_EQ(config.get("HOST"), "example.org");
  EXPECT_EQ(config.lookup("PORT"), "9000");
  EXPECT_EQ(config.lookup("NOPE"), std::nullopt);
}

TEST_F(ConfigTest, DotenvCommentsBlankLinesExportAndWhitespace) {
  auto env = Environ::isolated();
  const Config config(write_env("# a comment\n"
                                "\n"
                                "   \n"
                                "  # indented comment\n"
                                "export EXPORTED=yes\n"
                                "export\tTABBED=tab\n"
                                "  SPACED  =  spaced value  \n"
                                "TRAILING=value # a comment\n"
                                "HASH=#fff\n"
                                "INNER=a#b\n"
                                "EMPTY=\n"
                                "ONLY_COMMENT= # nothing here\n"
                                "CRLF=windows\r\n"
                                "DUP=first\n"
                                "DUP=second\n"
                                "LAST=no newline at end"),
                      env);
  EXPECT_EQ(config.get("EXPORTED"), "yes");
  EXPECT_EQ(config.get("TABBED"), "tab");
  EXPECT_EQ(config.get("SPACED"), "spaced value");
  EXPECT_EQ(config.get("TRAILING"), "value");
  EXPECT_EQ(config.get("HASH"), "#fff");
  EXPECT_EQ(config.get("INNER"), "a#b");
  EXPECT_EQ(config.get("EMPTY"), "");
  EXPECT_EQ(config.get("ONLY_COMMENT"), "");
  EXPECT_EQ(config.get("CRLF"), "windows");
  EXPECT_EQ(config.get("DUP"), "second");
  EXPECT_EQ(config.get("LAST"), "no newline at end");
}

TEST_F(ConfigTest, DotenvQuotes) {
  auto env = Environ::isolated();
  const Config config(write_env(R"(SINGLE='  literal # not a comment \n '
DOUBLE="line1\nline2 \"quoted\" back\\slash\ttab"
DOUBLE_HASH="a # b" # trailing comment
SINGLE_IN_DOUBLE="it's"
DOUBLE_IN_SINGLE='say "hi"'
EMPTY_QUOTES=""
UNKNOWN_ESCAPE="a\qb"
)"),
                      env);
  EXPECT_EQ(config.get("SINGLE"), "  literal # not a comment \\n ");
  EXPECT_EQ(config.get("DOUBLE"), "line1\nline2 \"quoted\" back\\slash\ttab");
  EXPECT_EQ(config.get("DOUBLE_HASH"), "a # b");
  EXPECT_EQ(config.get("SINGLE_IN_DOUBLE"), "it's");
  EXPECT_EQ(config.get("DOUBLE_IN_SINGLE"), "say \"hi\"");
  EXPECT_EQ(config.get("EMPTY_QUOTES"), "");
  EXPECT_EQ(config.get("UNKNOWN_ESCAPE"), "a\\qb");
}

TEST_F(ConfigTest, MalformedLineNamesFileAndLine) {
  auto env = Environ::isolated();
  const auto cases = {
      std::pair<std::string, std::string>{"GOOD=1\n# ok\nhunter2\n", "line 3"},
      {"GOOD=1\n=hunter2\n", "line 2"},
      {"BAD KEY=hunter2\n", "line 1"},
      {"A=1\r\nB=\"hunter2\n", "line 2"},
      {"A='hunter2\n", "line 1"},
      {"A=\"hunter\" 2\n", "line 1"},
      {"1A=hunter2\n", "line 1"},
  };
  for (const auto& [text, line] : cases) {
    const fs::path path = write_env(text, "malformed.env");
    const std::string message = error_of([&] { (void)Config(path, env); });
    EXPECT_THAT(message, HasSubstr("'" + path.string() + "'")) << text;
    EXPECT_THAT(message, HasSubstr(line)) << text;
    EXPECT_THAT(message, Not(HasSubstr("hunter"))) << "a malformed line may hold a secret: " << message;
  }
}

TEST_F(ConfigTest, MissingFileIsNotAnError) {
  auto env = Environ::isolated({{"FROM_ENV", "1"}});
  const fs::path path = dir_ / "absent.env";
  const Config config(path, env);
  EXPECT_EQ(config.get<int>("FROM_ENV"), 1);
  EXPECT_EQ(error_of([&] { config.get("OTHER"); }),
            "Config 'OTHER' is missing, and has no default (looked in the environment and in '" + path.string() +
                "', which does not exist)");
}

TEST_F(ConfigTest, AMissingFileIsSaidAtDebugLevelNotAsAWarning) {
  // Containers take their settings from the environment: no warning on every start.
  auto env = Environ::isolated({{"FROM_ENV", "1"}});
  log::set_level(log::Level::info);
  ::testing::internal::CaptureStderr();
  const Config config(dir_ / "absent.env", env);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(config.get<int>("FROM_ENV"), 1);
  log::set_level(log::Level::debug);
  ::testing::internal::CaptureStderr();
  const Config said(dir_ / "absent.env", env);
  const std::string output = ::testing::internal::GetCapturedStderr();
  log::set_level(log::Level::info);
  EXPECT_NE(output.find("DEBUG Config file '" + (dir_ / "absent.env").string() + "' not found"), std::string::npos)
      << output;
}

TEST_F(ConfigTest, MissingKeyNamesKeyAndFile) {
  auto env = Environ::isolated();
  const fs::path path = write_env("OTHER=1\n");
  const Config config(path, env);
  EXPECT_EQ(error_of([&] { config.get("DATABASE_URL"); }),
            "Config 'DATABASE_URL' is missing, and has no default (looked in the environment and in '" + path.string() +
                "')");
  EXPECT_EQ(error_of([&] { Config(fs::path{}, env).get<int>("PORT"); }),
            "Config 'PORT' is missing, and has no default (looked in the environment)");
  EXPECT_THROW(config.get<Secret>("DATABASE_URL"), ConfigError);
}

TEST_F(ConfigTest, Integers) {
  auto env = Environ::isolated({{"PORT", "8000"},
                                {"NEGATIVE", "-42"},
                                {"PLUS", "+7"},
                                {"BIG", "9000000000"},
                                {"BYTE", "255"},
                                {"MINUS_ZERO", "-0"},
                                {"MIN8", "-128"}});
  const Config config({}, env);
  EXPECT_EQ(config.get<int>("PORT"), 8000);
  EXPECT_EQ(config.get<int>("NEGATIVE"), -42);
  EXPECT_EQ(config.get<int>("PLUS"), 7);
  EXPECT_EQ(config.get<long long>("BIG"), 9000000000LL);
  EXPECT_EQ(config.get<std::uint64_t>("BIG"), 9000000000ULL);
  EXPECT_EQ(config.get<std::uint8_t>("BYTE"), 255);
  EXPECT_EQ(config.get<unsigned>("MINUS_ZERO"), 0U);
  EXPECT_EQ(config.get<std::int8_t>("MIN8"), -128);
  EXPECT_EQ(config.get<unsigned short>("PORT"), 8000);
}

TEST_F(ConfigTest, IntegersAreStrict) {
  auto env = Environ::isolated({{"PORT", "abc"},
                                {"SUFFIX", "12abc"},
                                {"SPACE", " 12"},
                                {"EMPTY", ""},
                                {"FLOAT", "1.5"},
                                {"DOUBLE_SIGN", "+-1"}});
  const Config config({}, env);
  EXPECT_EQ(error_of([&] { config.get<int>("PORT"); }), "Config 'PORT' has value 'abc', which is not a valid integer");
  for (const char* key : {"SUFFIX", "SPACE", "EMPTY", "FLOAT", "DOUBLE_SIGN"}) {
    const std::string message = error_of([&] { config.get<long>(key); });
    EXPECT_THAT(message, HasSubstr(std::string("'") + key + "'"));
    EXPECT_THAT(message, HasSubstr("'" + *config.lookup(key) + "'"));
    EXPECT_THAT(message, HasSubstr("not a valid integer"));
  }
}

TEST_F(ConfigTest, IntegersAreRangeChecked) {
  auto env = Environ::isolated(
      {{"BIG", "9000000000"}, {"HUGE", "99999999999999999999999"}, {"BYTE", "256"}, {"NEGATIVE", "-1"}});
  const Config config({}, env);
  const std::string message = error_of([&] { config.get<int>("BIG"); });
  EXPECT_THAT(message, HasSubstr("'BIG'"));
  EXPECT_THAT(message, HasSubstr("'9000000000'"));
  EXPECT_THAT(message, HasSubstr("out of range"));
  EXPECT_THAT(message, HasSubstr("-2147483648 to 2147483647"));
  EXPECT_THAT(error_of([&] { config.get<long long>("HUGE"); }), HasSubstr("out of range"));
  EXPECT_THAT(error_of([&] { config.get<unsigned long long>("HUGE"); }), HasSubstr("out of range"));
  EXPECT_THAT(error_of([&] { config.get<std::uint8_t>("BYTE"); }), HasSubstr("0 to 255"));
  EXPECT_THAT(error_of([&] { config.get<unsigned>("NEGATIVE"); }), HasSubstr("out of range"));
  EXPECT_THAT(error_of([&] { config.get<std::int16_t>("BIG"); }), HasSubstr("-32768 to 32767"));
}

TEST_F(ConfigTest, FloatingPoint) {
  auto env =
      Environ::isolated({{"RATIO", "0.25"}, {"EXP", "1e3"}, {"PLUS", "+2.5"}, {"BAD", "1.5x"}, {"HUGE", "1e999"}});
  const Config config({}, env);
  EXPECT_DOUBLE_EQ(config.get<double>("RATIO"), 0.25);
  EXPECT_FLOAT_EQ(config.get<float>("EXP"), 1000.0F);
  EXPECT_DOUBLE_EQ(config.get<double>("PLUS"), 2.5);
  EXPECT_EQ(config.get<long double>("RATIO"), 0.25L);
  EXPECT_EQ(error_of([&] { config.get<double>("BAD"); }), "Config 'BAD' has value '1.5x', which is not a valid number");
  EXPECT_THAT(error_of([&] { config.get<float>("HUGE"); }), HasSubstr("out of range"));
}

TEST_F(ConfigTest, BoolSpellings) {
  const std::vector<std::pair<std::string, bool>> spellings = {
      {"true", true}, {"True", true}, {"TRUE", true}, {"1", true},      {"yes", true},
      {"YES", true},  {"on", true},   {"On", true},   {"false", false}, {"False", false},
      {"0", false},   {"no", false},  {"No", false},  {"off", false},   {"OFF", false}};
  for (const auto& [text, expected] : spellings) {
    auto env = Environ::isolated({{"FLAG", text}});
    EXPECT_EQ(Config({}, env).get<bool>("FLAG"), expected) << text;
  }
  for (const char* bad : {"maybe", "", "2", "truthy", " true"}) {
    auto env = Environ::isolated({{"FLAG", bad}});
    const std::string message = error_of([&] { Config({}, env).get<bool>("FLAG"); });
    EXPECT_THAT(message, HasSubstr("Config 'FLAG' has value '" + std::string(bad) + "', which is not a valid boolean"));
  }
}

TEST_F(ConfigTest, SecretIsNeverPrinted) {
  auto env = Environ::isolated({{"SECRET_KEY", "hunter2"}});
  const Config config({}, env);
  const auto secret = config.get<Secret>("SECRET_KEY");
  EXPECT_EQ(secret.reveal(), "hunter2");
  std::ostringstream printed;
  printed << secret;
  EXPECT_EQ(printed.str(), "**********");
  EXPECT_EQ(to_string(secret), "**********");
  EXPECT_EQ(::testing::PrintToString(secret), "**********");
  EXPECT_FALSE(secret.empty());
  EXPECT_EQ(secret, Secret("hunter2"));
  EXPECT_EQ(config.get<Secret>("ABSENT", Secret("fallback")).reveal(), "fallback");
  EXPECT_EQ(config.get<Secret>("ABSENT", "text fallback").reveal(), "text fallback");
}

TEST_F(ConfigTest, CommaSeparatedStrings) {
  auto env = Environ::isolated({{"HOSTS", "a, b,c"}, {"SPARSE", " x ,, y ,"}, {"EMPTY", ""}});
  const Config config({}, env);
  const auto hosts = config.get<CommaSeparatedStrings>("HOSTS");
  EXPECT_EQ(hosts.items(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(hosts.size(), 3U);
  EXPECT_EQ(hosts[1], "b");
  EXPECT_EQ(to_string(hosts), "a, b, c");
  std::ostringstream printed;
  printed << hosts;
  EXPECT_EQ(printed.str(), "a, b, c");
  EXPECT_EQ(config.get<std::vector<std::string>>("HOSTS"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(config.get<CommaSeparatedStrings>("SPARSE").items(), (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(config.get<CommaSeparatedStrings>("EMPTY").empty());
  EXPECT_EQ(config.get<CommaSeparatedStrings>("ABSENT", "localhost, 127.0.0.1"),
            CommaSeparatedStrings(std::vector<std::string>{"localhost", "127.0.0.1"}));
}

// Stands in for db::DatabaseURL: framework/ knows nothing about it.
struct Url {
  explicit Url(std::string text) : value(std::move(text)) {
    if (value.find("://") == std::string::npos) throw std::invalid_argument("missing a scheme");
  }
  std::string value;
};

TEST_F(ConfigTest, AnyTypeConstructibleFromString) {
  auto env = Environ::isolated({{"DATABASE_URL", "sqlite:///notes.db"}, {"BAD_URL", "notes.db"}});
  const Config config({}, env);
  EXPECT_EQ(config.get<Url>("DATABASE_URL").value, "sqlite:///notes.db");
  EXPECT_EQ(config.get<fs::path>("DATABASE_URL"), fs::path("sqlite:///notes.db"));
  // The value is left to the type's own message: a URL may carry a password.
  EXPECT_EQ(error_of([&] { config.get<Url>("BAD_URL"); }), "Config 'BAD_URL' is not valid: missing a scheme");
  EXPECT_EQ(config.get<Url>("ABSENT", "postgresql://localhost/test").value, "postgresql://localhost/test");
}

TEST_F(ConfigTest, TypedDefaults) {
  auto env = Environ::isolated({{"PORT", "9000"}});
  const Config config(write_env("DEBUG=true\n"), env);
  EXPECT_EQ(config.get<int>("PORT", 8000), 9000);
  EXPECT_EQ(config.get<int>("ABSENT", 8000), 8000);
  EXPECT_FALSE(config.get<bool>("TESTING", false));
  EXPECT_TRUE(config.get<bool>("DEBUG", false));
  EXPECT_EQ(config.get<std::string>("HOST", "127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(config.get<std::string>("HOST", std::string("localhost")), "localhost");
  // Without <T>, the type follows the default, and a text default gives a std::string.
  EXPECT_EQ(config.get("ABSENT", 8000), 8000);
  const std::string host = config.get("HOST", "localhost");
  EXPECT_EQ(host, "localhost");
  EXPECT_EQ(config.get<std::optional<int>>("ABSENT"), std::nullopt);
  EXPECT_EQ(config.get<std::optional<int>>("PORT"), 9000);
  EXPECT_THROW(config.get<std::optional<int>>("DEBUG"), ConfigError);
}

TEST_F(ConfigTest, StringDefaultsAreCast) {
  auto env = Environ::isolated({{"PORT", "9000"}});
  const Config config({}, env);
  EXPECT_EQ(config.get<int>("ABSENT", "8000"), 8000);
  EXPECT_EQ(config.get<int>("PORT", "8000"), 9000);
  // A string literal must not turn into `true` through pointer-to-bool conversion.
  EXPECT_FALSE(config.get<bool>("TESTING", "false"));
  EXPECT_TRUE(config.get<bool>("TESTING", "on"));
  EXPECT_EQ(config.get<double>("RATIO", std::string("0.5")), 0.5);
  EXPECT_EQ(config.get<std::vector<std::string>>("HOSTS", "a,b"), (std::vector<std::string>{"a", "b"}));
  // A literal 0 default is the number 0, not a null text default.
  EXPECT_EQ(config.get<std::size_t>("WORKERS", 0), 0u);
  EXPECT_EQ(config.get<long>("WORKERS", 0), 0);
  EXPECT_EQ(error_of([&] { config.get<int>("WORKERS", "many"); }),
            "Config 'WORKERS' has value 'many', which is not a valid integer");
}

TEST_F(ConfigTest, EnvPrefix) {
  auto env = Environ::isolated({{"APP_DEBUG", "true"}, {"PORT", "1"}});
  const fs::path path = write_env("APP_PORT=8000\nNAME=unprefixed\n");
  const Config config(path, env, "APP_");
  EXPECT_EQ(config.env_prefix(), "APP_");
  EXPECT_TRUE(config.get<bool>("DEBUG"));
  EXPECT_EQ(config.get<int>("PORT"), 8000) << "the prefixed file value, not the unprefixed environment one";
  EXPECT_EQ(config.lookup("NAME"), std::nullopt);
  EXPECT_EQ(
      error_of([&] { config.get("NAME"); }),
      "Config 'APP_NAME' is missing, and has no default (looked in the environment and in '" + path.string() + "')");
  auto bad = Environ::isolated({{"APP_PORT", "x"}});
  EXPECT_THAT(error_of([&] { Config({}, bad, "APP_").get<int>("PORT"); }), HasSubstr("'APP_PORT' has value 'x'"));
}

// Read during static initialisation, as an app's global `Config config(".env")` does: the
// global environ must already be usable, and must keep remembering the read afterwards.
const bool kReadAtStartup = Config().get<bool>("STARLING_CONFIG_TEST_STARTUP", false);

TEST(EnvironTest, ReadsDuringStaticInitialisationAreRemembered) {
  EXPECT_FALSE(kReadAtStartup);
  EXPECT_THROW(starling::environ.set("STARLING_CONFIG_TEST_STARTUP", "1"), EnvironError);
}

TEST(EnvironTest, SetAfterReadThrows) {
  auto env = Environ::isolated({{"TESTING", "false"}});
  const Config config({}, env);
  EXPECT_FALSE(config.get<bool>("TESTING"));
  EXPECT_EQ(error_of<EnvironError>([&] { env.set("TESTING", "true"); }),
            "Attempting to set environ['TESTING'], but the value has already been read.");
  EXPECT_EQ(error_of<EnvironError>([&] { env.erase("TESTING"); }),
            "Attempting to delete environ['TESTING'], but the value has already been read.");
  EXPECT_EQ(env.get("TESTING"), "false");
}

TEST(EnvironTest, ReadingAMissingKeyAlsoProtectsIt) {
  auto env = Environ::isolated();
  const Config config({}, env);
  EXPECT_FALSE(config.get<bool>("TESTING", false));
  EXPECT_THROW(env.set("TESTING", "true"), EnvironError);
  EXPECT_FALSE(env.contains("OTHER"));
  EXPECT_THROW(env.set("OTHER", "1"), EnvironError);
}

TEST(EnvironTest, SetBeforeReadIsSeenByConfig) {
  auto env = Environ::isolated({{"TESTING", "false"}, {"GONE", "1"}});
  env.set("TESTING", "true");
  env.set("TESTING", "True");  // unread keys can be set again
  env.erase("GONE");
  env.erase("NEVER_THERE");
  const Config config({}, env);
  EXPECT_TRUE(config.get<bool>("TESTING"));
  EXPECT_FALSE(env.contains("GONE"));
  EXPECT_THROW(env.set("", "x"), EnvironError);
  EXPECT_THROW(env.set("A=B", "x"), EnvironError);
}

TEST(EnvironTest, IsolatedEnvironLeavesTheProcessAlone) {
  const std::string key = "STARLING_CONFIG_TEST_ISOLATED_" + std::to_string(::getpid());
  auto env = Environ::isolated();
  env.set(key, "1");
  EXPECT_EQ(env.get(key), "1");
  EXPECT_EQ(std::getenv(key.c_str()), nullptr);
}

TEST(EnvironTest, GlobalEnvironWritesTheProcessAndIsProtected) {
  const std::string key = "STARLING_CONFIG_TEST_GLOBAL_" + std::to_string(::getpid());
  starling::environ.set(key, "42");
  ASSERT_NE(std::getenv(key.c_str()), nullptr);
  EXPECT_STREQ(std::getenv(key.c_str()), "42");

  const Config config;  // reads through starling::environ by default
  EXPECT_EQ(config.get<int>(key), 42);
  EXPECT_EQ(error_of<EnvironError>([&] { starling::environ.set(key, "43"); }),
            "Attempting to set environ['" + key + "'], but the value has already been read.");
  EXPECT_THROW(starling::environ.erase(key), EnvironError);
  EXPECT_STREQ(std::getenv(key.c_str()), "42");

  const std::string other = key + "_ERASED";
  starling::environ.set(other, "x");
  starling::environ.erase(other);
  EXPECT_EQ(std::getenv(other.c_str()), nullptr);
}

TEST(EnvironTest, ConcurrentReadsAndWrites) {
  auto env = Environ::isolated();
  const Config config({}, env);
  std::atomic<int> found{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        const std::string key = "K" + std::to_string(t) + "_" + std::to_string(i);
        env.set(key, std::to_string(i));
        if (config.get<int>(key) == i) ++found;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(found.load(), 2000);
}

}  // namespace
}  // namespace starling

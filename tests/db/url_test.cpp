// DatabaseURL: schemes, SQLite paths, PostgreSQL parts and options, percent-encoded credentials, replace(),
// and passwords hidden when printed, in parse errors and in Config errors.
#include <starling/db/url.hpp>

#include <starling/config.hpp>

#include <gtest/gtest.h>

#include <sstream>

using namespace starling::db;

namespace {

std::string error_of(std::string_view url) {
  try {
    DatabaseURL parsed(url);
  } catch (const InvalidDatabaseURL& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(DatabaseURL, SqliteRelativeAbsoluteAndMemory) {
  DatabaseURL relative("sqlite:///notes.db");
  EXPECT_EQ(relative.dialect(), Dialect::sqlite);
  EXPECT_EQ(relative.database(), "notes.db");
  EXPECT_FALSE(relative.is_memory());
  EXPECT_EQ(DatabaseURL("sqlite:////var/lib/app/notes.db").database(), "/var/lib/app/notes.db");
  DatabaseURL memory("sqlite:///:memory:");
  EXPECT_EQ(memory.database(), ":memory:");
  EXPECT_TRUE(memory.is_memory());
}

TEST(DatabaseURL, PostgresComponents) {
  DatabaseURL url("postgresql://app:s3cret@db.example.com:5433/notes?sslmode=require&connect_timeout=5");
  EXPECT_EQ(url.dialect(), Dialect::postgresql);
  EXPECT_EQ(url.scheme(), "postgresql");
  EXPECT_EQ(url.username(), "app");
  EXPECT_EQ(url.password(), "s3cret");
  EXPECT_EQ(url.hostname(), "db.example.com");
  EXPECT_EQ(url.port(), 5433);
  EXPECT_EQ(url.database(), "notes");
  EXPECT_EQ(url.options().at("sslmode"), "require");
  EXPECT_EQ(url.options().at("connect_timeout"), "5");
  EXPECT_EQ(DatabaseURL("postgres://localhost/x").dialect(), Dialect::postgresql);
  EXPECT_FALSE(DatabaseURL("postgres://localhost/x").port().has_value());
}

TEST(DatabaseURL, PercentEncodedCredentialsAreDecoded) {
  DatabaseURL url("postgresql://us%40er:p%40ss%3Aw%2Frd@localhost/db");
  EXPECT_EQ(url.username(), "us@er");
  EXPECT_EQ(url.password(), "p@ss:w/rd");
  // And encoded again when the full URL is rendered for a driver.
  EXPECT_EQ(DatabaseURL(url.to_string_with_password()).password(), "p@ss:w/rd");
}

TEST(DatabaseURL, UnixSocketHostOption) {
  DatabaseURL url("postgresql://app@/notes?host=/run/postgresql");
  EXPECT_EQ(url.hostname(), "/run/postgresql");
  EXPECT_EQ(url.database(), "notes");
  EXPECT_TRUE(url.options().empty());
  EXPECT_EQ(DatabaseURL(url.to_string_with_password()).hostname(), "/run/postgresql");
}

TEST(DatabaseURL, PrintingObscuresPasswordsGivenAsOptionsToo) {
  DatabaseURL url("postgresql://app@db/notes?password=s3cret&sslpassword=k3y&sslmode=require");
  EXPECT_EQ(url.to_string(), "postgresql://app@db/notes?password=********&sslmode=require&sslpassword=********");
  EXPECT_NE(url.to_string_with_password().find("s3cret"), std::string::npos);
}

TEST(DatabaseURL, PrintingObscuresThePassword) {
  DatabaseURL url("postgresql://app:s3cret@localhost:5432/notes");
  EXPECT_EQ(url.to_string(), "postgresql://app:********@localhost:5432/notes");
  std::ostringstream out;
  out << url;
  EXPECT_EQ(out.str().find("s3cret"), std::string::npos);
  EXPECT_EQ(url.to_string_with_password(), "postgresql://app:s3cret@localhost:5432/notes");
}

TEST(DatabaseURL, ReplaceDerivesATestDatabase) {
  DatabaseURL url("postgresql://app:pw@localhost/notes");
  auto test_url = url.replace({.database = "test_" + url.database()});
  EXPECT_EQ(test_url.database(), "test_notes");
  EXPECT_EQ(test_url.password(), "pw");
  EXPECT_EQ(url.database(), "notes");
  auto other = url.replace({.username = "admin", .hostname = "db", .port = 6000});
  EXPECT_EQ(other.to_string(), "postgresql://admin:********@db:6000/notes");
  EXPECT_EQ(DatabaseURL("sqlite:///notes.db").replace({.database = "test_notes.db"}).database(), "test_notes.db");
}

TEST(DatabaseURL, UnsupportedSchemeIsNamed) {
  const auto message = error_of("mysql://root:pw@localhost/db");
  EXPECT_NE(message.find("unsupported scheme 'mysql'"), std::string::npos) << message;
  EXPECT_EQ(message.find(":pw@"), std::string::npos) << message;
}

TEST(DatabaseURL, MalformedUrlsAreNamedWithoutTheirPassword) {
  for (const auto* bad : {"not a url", "postgresql://app:topsecret@host:notaport/db", "sqlite://host/notes.db",
                          "sqlite:///", "postgresql://app:topsecret@host/a/b", "postgresql://host:0/db",
                          // passwords with unencoded '/', '?', '#' or '@': the URL is malformed, still hidden
                          "postgresql://app:top/topsecret@host/db", "postgresql://app:1/topsecret@host/db",
                          "postgresql://app:x?topsecret@host/db", "postgresql://app:x#topsecret@host/db",
                          "postgresql://app:top@topsecret@host:x/db"}) {
    const auto message = error_of(bad);
    EXPECT_NE(message.find("invalid database URL"), std::string::npos) << bad << " → " << message;
    EXPECT_EQ(message.find("topsecret"), std::string::npos) << message;
  }
}

TEST(DatabaseURL, AFragmentOrANamelessOptionIsAnErrorNotAHang) {
  // Boost.URL 1.81 loops over the params of "?#..." until the stack overflows (found by fuzzing).
  EXPECT_EQ(error_of("postgresql://app:topsecret@/db?#x"),
            "invalid database URL 'postgresql://app:********@/db?#x': a database URL has no #fragment");
  EXPECT_NE(error_of("postgresql://app@/db?=x").find("an option without a name"), std::string::npos);
  EXPECT_EQ(DatabaseURL("postgresql://app@/db?&sslmode=require&").options(),
            (std::map<std::string, std::string>{{"sslmode", "require"}}));
  EXPECT_TRUE(DatabaseURL("postgresql://app@/db?").options().empty());
}

TEST(DatabaseURL, WhatItWritesReadsBackAsTheSameURL) {
  // A decoded '@' in the host, a '?' in a SQLite path: written raw, each read back as something else.
  for (const auto* text : {"postgresql://app:pw@ho%40st:5433/db?sslmode=require", "sqlite:///dir/a%3Fb.db",
                           "sqlite:///:memory:", "postgresql://app@[::1]/db"}) {
    const DatabaseURL url(text);
    EXPECT_EQ(url.to_string_with_password(), text);
    EXPECT_TRUE(DatabaseURL(url.to_string_with_password()) == url) << text;
  }
}

TEST(DatabaseURL, ConstructibleFromStringForConfig) {
  static_assert(std::is_constructible_v<DatabaseURL, std::string>);
  EXPECT_EQ(DatabaseURL(std::string("sqlite:///a.db")), DatabaseURL("sqlite:///a.db"));
}

TEST(DatabaseURL, ReadFromConfigWithoutLeakingThePassword) {
  auto env = starling::Environ::isolated(
      {{"DATABASE_URL", "postgresql://app:pw@localhost/notes"}, {"BAD_URL", "mysql://app:topsecret@localhost/x"}});
  const starling::Config config({}, env);
  EXPECT_EQ(config.get<DatabaseURL>("DATABASE_URL").database(), "notes");
  try {
    config.get<DatabaseURL>("BAD_URL");
    FAIL() << "expected ConfigError";
  } catch (const starling::ConfigError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("BAD_URL"), std::string::npos) << message;
    EXPECT_NE(message.find("unsupported scheme 'mysql'"), std::string::npos) << message;
    EXPECT_EQ(message.find("topsecret"), std::string::npos) << message;
  }
}

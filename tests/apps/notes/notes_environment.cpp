#include "notes_environment.hpp"

#include "migrations.hpp"
#include "support/unique_name.hpp"

#include <starling/config.hpp>
#include <starling/db/migrations.hpp>
#include <starling/db/testing.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

namespace notes::test {
namespace {

namespace db = starling::db;

std::unique_ptr<Settings> settings;
std::unique_ptr<NotesApp> app;

std::string backend() {
  const char* name = std::getenv("NOTES_TEST_BACKEND");
  return name ? name : "sqlite";
}

// What a developer's .env would hold; a per-process name lets suites run side by side.
std::string development_database_url() {
  const std::string name = "notes_" + starling::test::unique_run_name();
  if (backend() == "postgresql") {
    const char* server = std::getenv("STARLING_TEST_POSTGRES_URL");
    if (!server) throw std::runtime_error("STARLING_TEST_POSTGRES_URL is not set: run the tests with scripts/test");
    return db::DatabaseURL(server).replace({.database = name}).to_string_with_password();
  }
  return "sqlite:///" + (std::filesystem::temp_directory_path() / (name + ".db")).string();
}

class NotesTestDatabase : public ::testing::Environment {
 public:
  void SetUp() override {
    // Before the app reads its config, as `environ['TESTING'] = 'True'` before `import app`.
    starling::environ.set("TESTING", "true");
    starling::environ.set("DATABASE_URL", development_database_url());
    settings = std::make_unique<Settings>(load_settings(starling::Config(".env")));
    url_ = settings->effective_database_url();
    ASSERT_TRUE(settings->testing);
    ASSERT_FALSE(db::testing::database_exists(url_)) << "Test database already exists. Aborting tests.";
    db::testing::create_database(url_);
    // From here on, TearDown drops it; never one that was there before.
    created_ = true;
    db::upgrade(url_, migrations(), "head");  // the reference's command.upgrade(config, "head")
    app = std::make_unique<NotesApp>(*settings);
  }
  void TearDown() override {
    app.reset();
    if (created_) db::testing::drop_database(url_);
  }

 private:
  db::DatabaseURL url_{"sqlite:///:memory:"};
  bool created_ = false;
};

}  // namespace

NotesApp& notes_app() { return *app; }
const Settings& test_settings() { return *settings; }
bool on_postgres() { return backend() == "postgresql"; }

}  // namespace notes::test

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (notes::test::on_postgres() && std::getenv("STARLING_SKIP_POSTGRES") && !std::getenv("STARLING_TEST_POSTGRES_URL"))
    return 0;  // skipped on purpose, as the database tests allow
  ::testing::AddGlobalTestEnvironment(new notes::test::NotesTestDatabase);
  return RUN_ALL_TESTS();
}

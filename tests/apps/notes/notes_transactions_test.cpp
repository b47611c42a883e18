// The reference's three transaction forms over HTTP, and its test isolation:
// each TestClient scope starts from an empty table.
#include "notes_environment.hpp"

#include <starling/testclient.hpp>

#include <gtest/gtest.h>

namespace notes::test {
namespace {

using nlohmann::json;
using starling::TestClient;

class PopulateForms : public ::testing::TestWithParam<std::string> {};

TEST_P(PopulateForms, FailAfterTheirInsertAndStoreNothing) {
  TestClient client(notes_app().app(), {.raise_server_exceptions = false});
  client.post("/notes", {.json = json{{"text", "before"}, {"completed", false}}});
  const auto answer = client.post("/notes/populate/" + GetParam());
  EXPECT_EQ(answer.status_code, 500);
  EXPECT_EQ(answer.text().find("you won't see me"), std::string::npos);
  EXPECT_EQ(client.get("/notes").json(), (json{{{"text", "before"}, {"completed", false}}}));
  // The connection came back clean: later writes are kept and visible.
  client.post("/notes", {.json = json{{"text", "after"}, {"completed", true}}});
  EXPECT_EQ(client.get("/notes").json().size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Reference, PopulateForms, ::testing::Values("decorator", "scoped", "low-level"),
                         [](const auto& info) { return info.param == "low-level" ? "low_level" : info.param; });

TEST(TestIsolation, TwoConsecutiveClientScopesDoNotSeeEachOther) {
  {
    TestClient client(notes_app().app());
    client.post("/notes", {.json = json{{"text", "first scope"}, {"completed", true}}});
    EXPECT_EQ(client.get("/notes").json().size(), 1u);
  }
  {
    TestClient client(notes_app().app());
    EXPECT_EQ(client.get("/notes").json(), json::array());
  }
}

}  // namespace
}  // namespace notes::test

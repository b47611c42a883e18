// JSONResponse of structs described for typed rows: their members go out in
// declared order, as Starlette keeps a dict's; a json value still sorts.
#include <starling/db/typed_rows.hpp>
#include <starling/responses.hpp>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace typed_response {

struct Reading {
  int zeta = 0;
  std::string alpha;
  std::optional<double> mid;
};
BOOST_DESCRIBE_STRUCT(Reading, (), (zeta, alpha, mid))

TEST(TypedJsonResponse, AStructGoesOutWithItsMembersInDeclaredOrder) {
  const starling::JSONResponse one(Reading{1, "a", std::nullopt}, 201);
  EXPECT_EQ(one.body, R"({"zeta":1,"alpha":"a","mid":null})");
  EXPECT_EQ(one.status_code, 201);
  EXPECT_EQ(one.headers.get("content-type").value_or(""), "application/json");
  const starling::JSONResponse many(std::vector<Reading>{{1, "a", 0.5}, {2, "b", std::nullopt}});
  EXPECT_EQ(many.body, R"([{"zeta":1,"alpha":"a","mid":0.5},{"zeta":2,"alpha":"b","mid":null}])");
}

TEST(TypedJsonResponse, AJsonValueAndABracedLiteralAreUnchanged) {
  EXPECT_EQ(starling::JSONResponse(nlohmann::json{{"b", 1}, {"a", 2}}).body, R"({"a":2,"b":1})");
  EXPECT_EQ(starling::JSONResponse({{"b", 1}, {"a", 2}}).body, R"({"a":2,"b":1})");
  EXPECT_EQ(starling::JSONResponse(std::string("text")).body, R"("text")");
  EXPECT_EQ(starling::JSONResponse(3).body, "3");
}

}  // namespace typed_response

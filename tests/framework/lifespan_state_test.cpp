// What startup hooks and the lifespan put into the app's state, read by every
// request through request.state(), typed by StateKey; a request's own values
// stay its own.
#include <starling/application.hpp>
#include <starling/testclient.hpp>

#include <gtest/gtest.h>

#include <memory>

using namespace starling;

namespace {

struct Catalogue {
  std::vector<std::string> teas;
};

const StateKey<std::shared_ptr<Catalogue>> kCatalogue{"catalogue"};

awaitable<Response> list_teas(Request& request) { co_return JSONResponse(request.state().get(kCatalogue)->teas); }

awaitable<Response> shadow(Request& request) {
  request.state().set(kCatalogue, std::make_shared<Catalogue>(Catalogue{{"only this request's"}}));
  co_return JSONResponse(request.state().get(kCatalogue)->teas);
}

}  // namespace

TEST(LifespanState, WhatTheLifespanSetsEveryRequestReads) {
  App app({.routes = {Route("/teas", list_teas), Route("/shadow", shadow)},
           .lifespan = [](App& app, Serve serve) -> awaitable<void> {
             app.state().set(kCatalogue, std::make_shared<Catalogue>(Catalogue{{"sencha", "assam"}}));
             co_await serve();
           }});
  TestClient client(app);
  EXPECT_EQ(client.get("/teas").json(), json({"sencha", "assam"}));
  EXPECT_EQ(client.get("/shadow").json(), json({"only this request's"}));
  EXPECT_EQ(client.get("/teas").json(), json({"sencha", "assam"}));  // the app's value is untouched
}

TEST(LifespanState, StartupHooksFillItToo) {
  App* self = nullptr;  // the hook runs once the app exists
  App app(
      {.routes = {Route("/teas", list_teas)},
       .on_startup = {[&self] { self->state().set(kCatalogue, std::make_shared<Catalogue>(Catalogue{{"oolong"}})); }}});
  self = &app;
  TestClient client(app);
  EXPECT_EQ(client.get("/teas").json(), json({"oolong"}));
}

TEST(LifespanState, AMissingKeyIsNamedAndAWrongTypeRefused) {
  App app({.routes = {Route("/teas", list_teas), Route("/typed", [](Request& request) -> awaitable<Response> {
                        co_return JSONResponse(request.state().get<int>("catalogue"));
                      })}});
  TestClient client(app);
  try {
    client.get("/teas");
    FAIL() << "expected the missing key";
  } catch (const std::out_of_range& e) {
    EXPECT_NE(std::string(e.what()).find("catalogue"), std::string::npos) << e.what();
  }
  app.state().set(kCatalogue, std::make_shared<Catalogue>());
  EXPECT_TRUE(app.state().contains("catalogue"));
  EXPECT_THROW(client.get("/typed"), std::invalid_argument);
}

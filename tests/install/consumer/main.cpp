// Builds against an installed Starling and answers one request in-process.
#include <starling/starling.hpp>
#include <starling/testclient.hpp>

#include <iostream>

using namespace starling;

awaitable<Response> hello(Request& request) {
  co_return JSONResponse({{"hello", request.path_params()["name"]}});
}

int main() {
  App app({.routes = {Route("/hello/{name}", hello)}});
  TestClient client(app);
  const auto response = client.get("/hello/installed");
  std::cout << response.status_code << " " << response.text() << "\n";
  return response.status_code == 200 && response.json()["hello"] == "installed" ? 0 : 1;
}

#pragma once
// TestClient's private parts, shared by testclient.cpp and the WebSocket
// sessions it opens (websocket_session.cpp).

#include <starling/application.hpp>
#include <starling/testclient.hpp>

#include "testclient/cookie_jar.hpp"
#include "testclient/target.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <optional>

namespace starling {

namespace asio = boost::asio;

struct TestClient::Impl {
  App& app;
  TestClientOptions options;
  asio::io_context context;
  testclient::CookieJar jar;

  // Runs one coroutine to completion on the client's own event loop.
  template <class T>
  T run(awaitable<T> task) {
    std::exception_ptr error;
    std::optional<T> result;
    bool done = false;
    asio::co_spawn(context, std::move(task), [&](const std::exception_ptr& e, T value) {
      error = e;
      if (!e) result.emplace(std::move(value));
      done = true;
    });
    run_until(done);
    if (error) std::rethrow_exception(error);
    return std::move(*result);
  }

  void run_void(awaitable<void> task) {
    std::exception_ptr error;
    bool done = false;
    asio::co_spawn(context, std::move(task), [&](std::exception_ptr e) {
      error = std::move(e);
      done = true;
    });
    run_until(done);
    if (error) std::rethrow_exception(error);
  }

  // Not context.run(): a lifespan (or a background task) may stay suspended
  // between requests, and the loop must return when this task is done. The
  // guard makes run_one() wait for work finishing on other threads.
  void run_until(const bool& done) {
    auto guard = asio::make_work_guard(context);
    context.restart();
    while (!done) context.run_one();
  }

  // Runs the loop until `done()` or `limit` passes; false on the timeout.
  template <class Done>
  bool run_until(Done done, std::chrono::milliseconds limit) {
    auto guard = asio::make_work_guard(context);
    context.restart();
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      context.run_one_until(deadline);
    }
    return true;
  }

  TestResponse send(std::string_view method, const testclient::Target& target, const RequestOptions& request_options);
};

}  // namespace starling

// BackgroundTasks: run after the response, in order, on the loop or the worker
// pool; a failing task is logged and changes nothing; a graceful shutdown
// waits for them.
#include <starling/application.hpp>
#include <starling/testclient.hpp>

#include "support/test_server.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

using namespace starling;
using namespace std::chrono_literals;

namespace {

awaitable<void> sleep_for(std::chrono::milliseconds duration) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, duration);
  co_await timer.async_wait(boost::asio::use_awaitable);
}

struct Log {
  std::mutex mutex;
  std::vector<std::string> events;
  void add(std::string event) {
    std::lock_guard lock(mutex);
    events.push_back(std::move(event));
  }
  std::vector<std::string> all() {
    std::lock_guard lock(mutex);
    return events;
  }
};

}  // namespace

TEST(BackgroundTasks, RunInOrderAfterTheEndpointOnTheLoopAndTheWorkerPool) {
  Log log;
  std::thread::id loop_thread;
  std::thread::id pool_thread;
  App app({.routes = {Route("/signup", [&](Request&) -> awaitable<Response> {
             loop_thread = std::this_thread::get_id();
             auto response = JSONResponse({{"ok", true}}, 201);
             response.background.add([&log]() -> awaitable<void> {
               co_await sleep_for(5ms);
               log.add("welcome email");
             });
             response.background.add([&] {
               pool_thread = std::this_thread::get_id();
               log.add("blocking audit write");
             });
             log.add("endpoint returned");
             co_return response;
           })}});
  TestClient client(app);
  const auto response = client.get("/signup");
  EXPECT_EQ(response.status_code, 201);
  EXPECT_EQ(log.all(), (std::vector<std::string>{"endpoint returned", "welcome email", "blocking audit write"}));
  EXPECT_NE(pool_thread, loop_thread);  // a plain function never blocks the event loop
}

TEST(BackgroundTasks, AFailingTaskIsLoggedAndTheOthersStillRun) {
  Log log;
  App app({.routes = {Route("/", [&log](Request&) -> awaitable<Response> {
             auto response = PlainTextResponse("sent");
             response.background.add([]() -> awaitable<void> {
               throw std::runtime_error("mail server unreachable");
               co_return;
             });
             response.background.add([] { throw std::logic_error("a blocking task failing too"); });
             response.background.add([&log]() -> awaitable<void> {
               log.add("third ran");
               co_return;
             });
             co_return response;
           })}});
  TestClient client(app);
  ::testing::internal::CaptureStderr();
  const auto response = client.get("/");
  const std::string output = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(response.text(), "sent");
  EXPECT_EQ(log.all(), (std::vector<std::string>{"third ran"}));
  EXPECT_NE(output.find("Background task 1 of 3 failed: std::runtime_error: mail server unreachable"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find("Background task 2 of 3 failed: std::logic_error"), std::string::npos) << output;
}

TEST(BackgroundTasks, OverARealSocketTheResponseArrivesBeforeTheTaskEnds) {
  std::atomic<bool> task_done{false};
  App app({.routes = {Route("/", [&task_done](Request&) -> awaitable<Response> {
             auto response = PlainTextResponse("accepted", 202);
             response.background.add([&task_done]() -> awaitable<void> {
               co_await sleep_for(1500ms);
               task_done = true;
             });
             co_return response;
           })}});
  test::TestServer server(app);
  test::RawClient client = server.connect();
  const auto started = std::chrono::steady_clock::now();
  const auto response = client.request("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(response.status, 202);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1000ms);
  EXPECT_FALSE(task_done);
  // The connection is free for the next request meanwhile.
  EXPECT_EQ(client.request("GET / HTTP/1.1\r\nHost: t\r\n\r\n").status, 202);
}

TEST(BackgroundTasks, AGracefulShutdownWaitsForThem) {
  std::atomic<int> finished{0};
  App app({.routes = {Route("/", [&finished](Request&) -> awaitable<Response> {
             auto response = PlainTextResponse("ok");
             response.background.add([&finished]() -> awaitable<void> {
               co_await sleep_for(300ms);
               ++finished;
             });
             co_return response;
           })}});
  auto options = test::test_server_options();
  options.shutdown_timeout = 5s;
  {
    test::TestServer server(app, options);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(server.connect().request("GET / HTTP/1.1\r\nHost: t\r\n\r\n").status, 200);
    EXPECT_EQ(finished.load(), 0);
  }  // stopped here
  EXPECT_EQ(finished.load(), 3);
}

TEST(BackgroundTasks, TheShutdownTimeoutBoundsTheWait) {
  std::atomic<bool> finished{false};
  App app({.routes = {Route("/", [&finished](Request&) -> awaitable<Response> {
             auto response = PlainTextResponse("ok");
             response.background.add([&finished]() -> awaitable<void> {
               co_await sleep_for(30s);
               finished = true;
             });
             co_return response;
           })}});
  auto options = test::test_server_options();
  options.shutdown_timeout = 300ms;
  const auto started = std::chrono::steady_clock::now();
  {
    test::TestServer server(app, options);
    EXPECT_EQ(server.connect().request("GET / HTTP/1.1\r\nHost: t\r\n\r\n").status, 200);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_FALSE(finished);
}

TEST(BackgroundTasks, ABlockingTaskPastTheShutdownTimeoutFinishesBeforeItsLoopIsFreed) {
  // The task's thread posts its completion to the loop it came from: freeing
  // that loop first would be a use after free (ASan's run sees it).
  std::atomic<bool> finished{false};
  App app({.routes = {Route("/", [&finished](Request&) -> awaitable<Response> {
             auto response = PlainTextResponse("ok");
             response.background.add([&finished] {
               std::this_thread::sleep_for(600ms);
               finished = true;
             });
             co_return response;
           })}});
  auto options = test::test_server_options();
  options.shutdown_timeout = 400ms;
  {
    test::TestServer server(app, options);
    EXPECT_EQ(server.connect().request("GET / HTTP/1.1\r\nHost: t\r\n\r\n").status, 200);
  }
  EXPECT_TRUE(finished);
}

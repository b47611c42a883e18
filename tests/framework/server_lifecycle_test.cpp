// Server lifecycle over real sockets: startup and shutdown hooks, graceful stop,
// signals, startup failure, and the log lines.
#include <starling/server.hpp>

#include "support/german_locale.hpp"
#include "support/test_server.hpp"

#include <starling/application.hpp>
#include <starling/logging.hpp>
#include <starling/middleware/request_id.hpp>

#include <gtest/gtest.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace starling;
using namespace std::chrono_literals;
using starling::test::RawClient;
using starling::test::TestServer;

namespace {

using Clock = std::chrono::steady_clock;

const std::string kGood = "GET / HTTP/1.1\r\nHost: test\r\n\r\n";

awaitable<Response> hello(Request&) { co_return PlainTextResponse("Hello, world!"); }

awaitable<void> sleep_for(std::chrono::milliseconds duration) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, duration);
  co_await timer.async_wait(boost::asio::use_awaitable);
}

// A port nothing listens on (bound, read, released).
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(fd);
  return ntohs(address.sin_port);
}

template <class Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds limit = 2s) {
  const auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return predicate();
}

}  // namespace

TEST(ServerLifecycle, StopLetsAnInFlightRequestFinish) {
  std::atomic<bool> entered{false};
  std::atomic<bool> release{false};
  std::atomic<bool> shut_down{false};
  App app({.routes = {Route("/slow",
                            [&](Request&) -> awaitable<Response> {
                              entered = true;
                              while (!release) co_await sleep_for(5ms);  // in flight until the test lets it finish
                              co_return PlainTextResponse("finished");
                            })},
           .on_shutdown = {[&] { shut_down = true; }}});
  auto options = test::test_server_options();
  options.shutdown_timeout = 10s;  // never what ends the request here, however busy the machine
  TestServer server(app, options);
  RawClient client = server.connect();
  client.send("GET /slow HTTP/1.1\r\nHost: test\r\n\r\n");
  ASSERT_TRUE(eventually([&] { return entered.load(); }));
  std::atomic<bool> stop_returned{false};
  std::thread stopper([&] {
    server.server().stop();
    stop_returned = true;
  });
  // The port closes once stop() has begun; from then on it must wait for the request.
  EXPECT_TRUE(eventually([&] { return !test::port_accepts(server.port()); }, 5s));
  std::this_thread::sleep_for(100ms);  // time for a stop() that does not wait to return
  EXPECT_FALSE(stop_returned);
  EXPECT_FALSE(shut_down);  // the shutdown hooks come after the in-flight request, not before
  release = true;
  const auto response = client.read_response();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "finished");
  EXPECT_EQ(response.header("connection"), "close");  // written once stop() had begun
  EXPECT_TRUE(client.closed_within(1s));
  stopper.join();
  EXPECT_TRUE(shut_down);
  EXPECT_FALSE(test::port_accepts(server.port()));
}

TEST(ServerLifecycle, StopClosesIdleKeepAliveConnectionsAtOnce) {
  App app({.routes = {Route("/", hello)}});
  auto options = test::test_server_options();
  options.keep_alive_timeout = 10s;
  options.shutdown_timeout = 10s;
  TestServer server(app, options);
  RawClient idle = server.connect();
  EXPECT_EQ(idle.request(kGood).status, 200);
  RawClient silent = server.connect();  // connected, never sent a byte
  const auto started = Clock::now();
  server.server().stop();
  EXPECT_LT(Clock::now() - started, 2s);
  EXPECT_TRUE(idle.closed_within(1s));
  EXPECT_TRUE(silent.closed_within(1s));
}

TEST(ServerLifecycle, StopGivesUpOnRequestsPastTheShutdownTimeout) {
  std::atomic<bool> entered{false};
  App app({.routes = {Route("/stuck", [&](Request&) -> awaitable<Response> {
             entered = true;
             co_await sleep_for(10s);  // far past the bound below: a stop() that waits for it fails
             co_return PlainTextResponse("late");
           })}});
  auto options = test::test_server_options();
  options.shutdown_timeout = 200ms;
  TestServer server(app, options);
  RawClient client = server.connect();
  client.send("GET /stuck HTTP/1.1\r\nHost: test\r\n\r\n");
  ASSERT_TRUE(eventually([&] { return entered.load(); }));
  const auto started = Clock::now();
  server.server().stop();
  // 200 ms timeout + 200 ms drain + hooks; wide for a busy machine, yet well under the 10 s handler.
  EXPECT_LT(Clock::now() - started, 5s);
  EXPECT_TRUE(client.closed_within(1s));
}

TEST(ServerLifecycle, StartupAndShutdownHooksRunAroundServing) {
  std::vector<std::string> events;
  std::mutex mutex;
  auto record = [&](std::string event) {
    std::lock_guard lock(mutex);
    events.push_back(std::move(event));
  };
  App app({.routes = {Route("/",
                            [&](Request&) -> awaitable<Response> {
                              record("request");
                              co_return PlainTextResponse("ok");
                            })},
           .on_startup = {[&]() -> awaitable<void> {
             co_await sleep_for(10ms);  // a hook may await on the loop
             record("startup");
           }},
           .on_shutdown = {[&] { record("shutdown"); }}});
  {
    TestServer server(app);
    EXPECT_EQ(events, std::vector<std::string>{"startup"});
    EXPECT_EQ(server.connect().request(kGood).status, 200);
  }
  EXPECT_EQ(events, (std::vector<std::string>{"startup", "request", "shutdown"}));
}

TEST(ServerLifecycle, FailingStartupHookThrowsAndNothingListens) {
  App app({.routes = {Route("/", hello)}, .on_startup = {[]() -> void { throw std::runtime_error("db down"); }}});
  const auto port = free_port();
  Server server(app, {.port = port, .threads = 2});
  try {
    server.start();
    FAIL() << "start() did not throw";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "db down");
  }
  EXPECT_FALSE(test::port_accepts(port));
  server.stop();  // harmless after a failed start
  server.wait();
}

TEST(ServerLifecycle, RunReportsAFailedStartupAndReturns1) {
  App app({.routes = {Route("/", hello)}, .on_startup = {[]() -> void { throw std::runtime_error("db down"); }}});
  Server server(app, {.port = free_port(), .threads = 1});
  ::testing::internal::CaptureStderr();
  const int code = server.run();
  const std::string output = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, 1);
  EXPECT_NE(output.find("Startup failed: db down"), std::string::npos) << output;
}

TEST(ServerLifecycle, BindFailureIsReportedAfterShutdownHooksRan) {
  std::atomic<int> shutdowns{0};
  App app({.routes = {Route("/", hello)}, .on_shutdown = {[&] { ++shutdowns; }}});
  TestServer first(app);
  Server second(app, {.port = first.port(), .threads = 1});
  EXPECT_THROW(second.start(), std::runtime_error);
  EXPECT_EQ(shutdowns.load(), 1);
  EXPECT_EQ(first.connect().request(kGood).status, 200);
}

TEST(ServerLifecycle, RunServesUntilSigterm) {
  std::atomic<bool> shut_down{false};
  App app({.routes = {Route("/", hello)}, .on_shutdown = {[&] { shut_down = true; }}});
  Server server(app, {.port = 0, .threads = 2});
  auto code = std::async(std::launch::async, [&] { return server.run(); });
  ASSERT_TRUE(eventually([&] { return server.port() != 0; }));
  EXPECT_EQ(RawClient(server.port()).request(kGood).status, 200);
  ::kill(::getpid(), SIGTERM);
  ASSERT_EQ(code.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(code.get(), 0);
  EXPECT_TRUE(shut_down);
}

namespace {

// In a death test's child: serves a request that takes `hold`, lets `signal`
// act once it is in flight, and exits with run()'s code, or 3 if the client's
// response was not the whole one.
[[noreturn]] void serve_while(std::chrono::milliseconds hold, const std::function<void(Server&)>& signal) {
  std::atomic<bool> entered{false};
  App app({.routes = {Route("/slow", [&](Request&) -> awaitable<Response> {
             entered = true;
             co_await sleep_for(hold);
             co_return PlainTextResponse("finished");
           })}});
  Server server(app, {.port = 0, .threads = 1, .shutdown_timeout = 20s});
  std::atomic<bool> answered{false};
  std::thread client_thread([&] {
    while (server.port() == 0) std::this_thread::sleep_for(5ms);
    RawClient client(server.port());
    client.send("GET /slow HTTP/1.1\r\nHost: test\r\n\r\n");
    if (!eventually([&] { return entered.load(); }, 10s)) std::_Exit(4);
    signal(server);
    const auto response = client.read_response();
    answered = response.status == 200 && response.body == "finished";
  });
  client_thread.detach();
  const auto started = Clock::now();
  const int code = server.run();
  std::fprintf(
      stderr, "run() returned %d after %lld ms\n", code,
      static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count()));
  std::_Exit(code == 0 && !answered ? 3 : code);
}

void sigterm(Server&) { ::kill(::getpid(), SIGTERM); }

}  // namespace

// SIGTERM with a request in flight: it gets its whole response, then run() returns 0.
TEST(ServerLifecycleDeathTest, ASigtermLetsTheRequestInFlightFinish) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(serve_while(300ms, sigterm), ::testing::ExitedWithCode(0), "SIGTERM received, shutting down");
}

// A second signal while a request holds the shutdown up ends the process at
// once (status 1), rather than after the shutdown timeout (status 0).
TEST(ServerLifecycleDeathTest, ASecondSigtermWhileDrainingExitsAtOnce) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const auto twice = [](Server&) {
    ::kill(::getpid(), SIGTERM);
    std::this_thread::sleep_for(300ms);  // the first one is handled: the drain has begun
    ::kill(::getpid(), SIGTERM);
  };
  EXPECT_EXIT(serve_while(60s, twice), ::testing::ExitedWithCode(1), "SIGTERM received again");
}

// A shutdown begun by stop() (an endpoint, the app) is not hurried by one
// signal: that one counts as the first.
TEST(ServerLifecycleDeathTest, OneSigtermAfterStopStillLetsTheRequestFinish) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const auto stop_then_signal = [](Server& server) {
    std::thread([&server] { server.stop(); }).detach();
    std::this_thread::sleep_for(200ms);
    ::kill(::getpid(), SIGTERM);
  };
  EXPECT_EXIT(serve_while(600ms, stop_then_signal), ::testing::ExitedWithCode(0), "SIGTERM received, shutting down");
}

TEST(ServerLifecycle, StopFromAnEndpointDoesNotDeadlock) {
  Server* running = nullptr;
  App app({.routes = {Route("/quit", [&](Request&) -> awaitable<Response> {
             running->stop();
             co_return PlainTextResponse("bye");
           })}});
  Server server(app, {.port = 0, .threads = 1});
  running = &server;
  server.start();
  const auto response = RawClient(server.port()).request("GET /quit HTTP/1.1\r\nHost: test\r\n\r\n");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("connection"), "close");
  server.wait();
  server.stop();  // twice is fine
}

TEST(ServerLifecycle, LogsOneStartupLine) {
  App app({.routes = {Route("/", hello)}});
  auto options = test::test_server_options();
  options.threads = 3;
  ::testing::internal::CaptureStderr();
  std::uint16_t port = 0;
  {
    TestServer server(app, options);
    port = server.port();
  }
  const std::string output = ::testing::internal::GetCapturedStderr();
  const std::string line = "Starling serving on http://127.0.0.1:" + std::to_string(port) + " (3 threads)";
  EXPECT_NE(output.find(line), std::string::npos) << output;
}

TEST(ServerLifecycle, ZeroThreadsMeansOnePerCore) {
  App app({.routes = {Route("/", hello)}});
  auto options = test::test_server_options();
  options.threads = 0;
  ::testing::internal::CaptureStderr();
  {
    TestServer server(app, options);
    EXPECT_EQ(server.connect().request(kGood).status, 200);
  }
  const std::string output = ::testing::internal::GetCapturedStderr();
  const auto cores = std::max(1u, std::thread::hardware_concurrency());
  EXPECT_NE(output.find("(" + std::to_string(cores) + " threads)"), std::string::npos) << output;
}

TEST(ServerLifecycle, AccessLogWritesOneLinePerRequest) {
  App app({.routes = {Route("/", hello)}});
  auto options = test::test_server_options();
  options.access_log = true;
  ::testing::internal::CaptureStderr();
  {
    TestServer server(app, options);
    RawClient client = server.connect();
    EXPECT_EQ(client.request("GET /?a=1 HTTP/1.1\r\nHost: t\r\n\r\n").status, 200);
    EXPECT_EQ(client.request("GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n").status, 404);
  }
  const std::string output = ::testing::internal::GetCapturedStderr();
  // client, request line, status, body bytes, duration
  EXPECT_TRUE(std::regex_search(output, std::regex(R"(127\.0\.0\.1:[0-9]+ "GET /\?a=1 HTTP/1\.1" 200 13 [0-9.]+ms\n)")))
      << output;
  EXPECT_TRUE(std::regex_search(output, std::regex(R"("GET /nowhere HTTP/1\.1" 404 22 [0-9.]+ms\n)"))) << output;
}

TEST(ServerLifecycle, AccessLogNamesTheRequestId) {
  App app({.routes = {Route("/", hello)}, .middleware = {RequestIDMiddleware()}});
  auto options = test::test_server_options();
  options.access_log = true;
  ::testing::internal::CaptureStderr();
  {
    TestServer server(app, options);
    EXPECT_EQ(server.connect().request("GET / HTTP/1.1\r\nHost: t\r\nX-Request-ID: req-42\r\n\r\n").status, 200);
  }
  const std::string output = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(std::regex_search(output, std::regex(R"("GET / HTTP/1\.1" 200 13 [0-9.]+ms id=req-42\n)"))) << output;
}

// Sets a log format for one test and puts the default back.
class LogFormat {
 public:
  explicit LogFormat(log::Format format) { log::set_format(format); }
  ~LogFormat() { log::set_format(log::Format::text); }
};

std::vector<json> json_lines(const std::string& output) {
  std::vector<json> lines;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  return lines;
}

TEST(ServerLifecycle, JsonLogsHaveTheAccessFieldsAndTheStartAndStop) {
  const LogFormat format(log::Format::json);
  App app({.routes = {Route("/notes/{id:int}", hello)}, .middleware = {RequestIDMiddleware()}});
  auto options = test::test_server_options();
  options.access_log = true;
  options.threads = 2;
  ::testing::internal::CaptureStderr();
  std::uint16_t port = 0;
  {
    TestServer server(app, options);
    port = server.port();
    RawClient client = server.connect();
    EXPECT_EQ(client.request("GET /notes/7?x=%22 HTTP/1.1\r\nHost: t\r\nX-Request-ID: abc\r\n\r\n").status, 200);
    EXPECT_EQ(client.request("GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n").status, 404);
  }
  const auto lines = json_lines(::testing::internal::GetCapturedStderr());  // throws on a line that is no JSON
  std::vector<json> access;
  for (const auto& line : lines)
    if (line.value("type", "") == "access") access.push_back(line);
  ASSERT_EQ(access.size(), 2u);
  EXPECT_EQ(access[0]["method"], "GET");
  EXPECT_EQ(access[0]["path"], "/notes/7?x=%22");
  EXPECT_EQ(access[0]["route"], "/notes/{id:int}");
  EXPECT_EQ(access[0]["status"], 200);
  EXPECT_EQ(access[0]["bytes"], 13);
  EXPECT_TRUE(access[0]["duration_ms"].is_number()) << access[0];
  EXPECT_TRUE(std::regex_match(access[0]["client"].get<std::string>(), std::regex(R"(127\.0\.0\.1:[0-9]+)")));
  EXPECT_EQ(access[0]["request_id"], "abc");
  EXPECT_EQ(access[0]["level"], "info");
  EXPECT_EQ(access[1]["route"], "") << "no template matched";
  EXPECT_EQ(access[1]["status"], 404);
  EXPECT_EQ(access[1]["request_id"].get<std::string>().size(), 32u) << "a new id";

  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(lines.front()["event"], "startup");
  EXPECT_EQ(lines.front()["url"], "http://127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(lines.front()["threads"], 2);
  EXPECT_EQ(lines.back()["event"], "shutdown");
  EXPECT_EQ(lines.back()["message"], "Starling stopped");
}

TEST(ServerLifecycle, AccessLogEscapesWhatWouldBreakItsLine) {
  App app({.routes = {Route("/{name}", hello)}});
  auto options = test::test_server_options();
  options.access_log = true;
  ::testing::internal::CaptureStderr();
  {
    TestServer server(app, options);
    EXPECT_EQ(server.connect().request("GET /a\"b HTTP/1.1\r\nHost: t\r\n\r\n").status, 200);
  }
  const std::string output = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(output.find(R"("GET /a\x22b HTTP/1.1" 200)"), std::string::npos) << output;
}

TEST(ServerLifecycle, AccessLogCanBeTurnedOff) {
  App app({.routes = {Route("/", hello)}});
  auto options = test::test_server_options();
  options.access_log = false;
  ::testing::internal::CaptureStderr();
  {
    TestServer server(app, options);
    EXPECT_EQ(server.connect().request(kGood).status, 200);
  }
  const std::string output = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(output.find("\"GET / HTTP/1.1\""), std::string::npos) << output;
}

TEST(ServerLifecycle, AccessLogIsOnUnlessTurnedOff) { EXPECT_TRUE(ServerOptions{}.access_log); }

TEST(ServerLifecycle, AccessLogDurationsHaveADecimalPointWhateverTheProgramsNumericLocale) {
  const test::GermanLocale comma(LC_NUMERIC);  // as a program calling setlocale(LC_ALL, "") in Germany
  ASSERT_TRUE(comma.active()) << "localedef could not build de_DE.UTF-8 (Debian package locales)";
  App app({.routes = {Route("/", hello)}});
  auto options = test::test_server_options();
  options.access_log = true;
  ::testing::internal::CaptureStderr();
  {
    TestServer server(app, options);
    EXPECT_EQ(server.connect().request(kGood).status, 200);
  }
  const std::string output = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(std::regex_search(output, std::regex(" 200 13 [0-9]+\\.[0-9]{2}ms\n"))) << output;
}

// Hostile clients all at once against one server, over real sockets: 2,000
// idle connections, slowloris heads, bodies that stop or never end, smuggling shapes,
// oversized heads, invalid UTF-8 and pipelined bursts. Each gets its answer or
// is closed within the configured timeout, while a well-behaved client on its
// own keep-alive connection keeps getting answers in bounded time.
#include <starling/server.hpp>

#include "support/raw_client.hpp"
#include "support/test_server.hpp"

#include <starling/application.hpp>
#include <starling/responses.hpp>

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

using namespace starling;
using namespace std::chrono_literals;
using starling::test::RawClient;
using starling::test::TestServer;

namespace {

using Clock = std::chrono::steady_clock;
using Milliseconds = std::chrono::duration<double, std::milli>;

constexpr auto kTimeout = 2s;  // header and body timeouts
constexpr auto kAttack = 5s;   // how long the hostile clients keep at it
// Well below kTimeout: a well-behaved request that waited behind a hostile
// client until its timeout would take longer than this.
constexpr auto kBoundedLatency = 1s;
constexpr int kIdleConnections = 2000;

awaitable<Response> hello(Request&) { co_return PlainTextResponse("Hello, world!"); }

awaitable<Response> echo(Request& request) {
  const auto body = co_await request.body();
  co_return PlainTextResponse(std::string(body));
}

awaitable<Response> item(Request& request) { co_return JSONResponse({{"name", request.path_params()["name"]}}); }

const std::string kGood = "GET / HTTP/1.1\r\nHost: good\r\n\r\n";

// What the hostile clients saw that they should not have; empty when all went to plan.
class Findings {
 public:
  void add(const std::string& finding) {
    std::lock_guard lock(mutex_);
    if (findings_.size() < 20) findings_.push_back(finding);
  }
  std::vector<std::string> all() const {
    std::lock_guard lock(mutex_);
    return findings_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> findings_;
};

// Runs `attack` over and over on a thread of its own until `stop`.
std::thread keep_attacking(const std::atomic<bool>& stop, Findings& findings, std::function<void()> attack) {
  return std::thread([&stop, &findings, attack = std::move(attack)] {
    while (!stop) {
      try {
        attack();
      } catch (const std::exception& error) {
        findings.add(error.what());
      }
    }
  });
}

// Heads sent a byte at a time, 20 connections at once: each must be cut off
// (408 or closed) within the header timeout, with a second's grace.
void slowloris(std::uint16_t port, const std::atomic<bool>& stop, Findings& findings) {
  struct Slow {
    std::unique_ptr<RawClient> client;
    Clock::time_point opened;
    std::size_t sent = 0;
  };
  const std::string head = "GET / HTTP/1.1\r\nHost: slow\r\nX-Padding: " + std::string(200, 'a');
  std::vector<Slow> slow;
  for (int i = 0; i < 20; ++i) slow.push_back({std::make_unique<RawClient>(port), Clock::now()});
  while (!stop) {
    for (auto& connection : slow) {
      bool closed = connection.client->closed_within(0ms);
      if (!closed && connection.sent < head.size()) {
        try {
          connection.client->send(std::string_view(&head[connection.sent++], 1));
        } catch (const std::runtime_error&) {
          closed = true;
        }
      }
      if (closed) {
        const auto lived = Clock::now() - connection.opened;
        if (lived > kTimeout + 1s)
          findings.add("a slowloris connection lived " + std::to_string(Milliseconds(lived).count()) + " ms");
        connection = {std::make_unique<RawClient>(port), Clock::now()};
      } else if (Clock::now() - connection.opened > kTimeout + 1s) {
        findings.add("a slowloris connection was not cut off within the header timeout: sent " +
                     std::to_string(connection.sent) + " pending " + connection.client->pending());
        connection = {std::make_unique<RawClient>(port), Clock::now()};
      }
    }
    std::this_thread::sleep_for(20ms);
  }
}

// A body that stops after 10 of its 100,000 bytes: 408 within the body timeout.
void stalled_body(std::uint16_t port, Findings& findings) {
  RawClient client(port, kTimeout + 2s);
  const auto started = Clock::now();
  client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n0123456789");
  const auto response = client.read_response();
  if (response.status != 408) findings.add("a stalled body got " + std::to_string(response.status));
  if (Clock::now() - started > kTimeout + 1s) findings.add("a stalled body was cut off late");
}

// A chunked body that never ends, sent as fast as the server reads it: 413
// once past the body limit, and the connection closed, long before the
// client would stop.
void endless_body(std::uint16_t port, Findings& findings) {
  RawClient client(port);
  client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
  const std::string chunk = "4000\r\n" + std::string(0x4000, 'x') + "\r\n";
  std::size_t sent = 0;
  try {
    // Stops at the first byte of an answer: a client that went on sending into
    // a closed connection would get a reset that can drop the answer.
    while (sent < 64 * kDefaultMaxBodySize && client.pending().empty() && !client.closed_within(0ms)) {
      client.send(chunk);
      sent += 0x4000;
    }
  } catch (const std::runtime_error&) {  // the server closed: what did it answer?
  }
  const auto response = client.read_response();
  if (response.status != 413) findings.add("an endless body got " + std::to_string(response.status));
  if (sent >= 64 * kDefaultMaxBodySize) findings.add("an endless body was read past 64 times the limit");
}

// Each shape on a connection of its own gets its status (and, for a
// refusal, the connection closed).
void malformed(std::uint16_t port, Findings& findings) {
  struct Shape {
    std::string request;
    int status;
  };
  static const std::vector<Shape> shapes = {
      {"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400},
      {"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: t\r\nX-Folded: a\r\n b\r\n\r\n", 200},  // obs-fold: read as a space
      {"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(20 * 1024, 'b') + "\r\n\r\n", 431},
      {[] {
         std::string many = "GET / HTTP/1.1\r\nHost: t\r\n";
         for (int i = 0; i < 150; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
         return many + "\r\n";
       }(),
       431},
      // Not UTF-8 once decoded, raw or percent-encoded; UTF-8 itself is fine either way.
      {"GET /items/caf\xc3( HTTP/1.1\r\nHost: t\r\n\r\n", 400},
      {"GET /items/caf%C3%28 HTTP/1.1\r\nHost: t\r\n\r\n", 400},
      {"GET /nowhere/%FF%FE HTTP/1.1\r\nHost: t\r\n\r\n", 400},
      {"GET /items/caf%C3%A9 HTTP/1.1\r\nHost: t\r\n\r\n", 200},
      {"GET /items/caf\xc3\xa9 HTTP/1.1\r\nHost: t\r\n\r\n", 200},
  };
  for (const auto& shape : shapes) {
    RawClient client(port);
    const auto response = client.request(shape.request);
    if (response.status != shape.status)
      findings.add("'" + shape.request.substr(0, 40) + "' got " + std::to_string(response.status) + ", not " +
                   std::to_string(shape.status));
    if (response.status == 200 && shape.request.find("/items/") != std::string::npos &&
        json::parse(response.body) != json{{"name", "caf\xc3\xa9"}})
      findings.add("/items/café answered " + response.body);
    // The server's own refusals close the connection; the app's 404 does not.
    if (response.status != 404 && response.status >= 400 && !client.closed_within(1s))
      findings.add("the connection stayed open after '" + shape.request.substr(0, 40) + "'");
  }
}

// 20 requests in one write: 20 answers, in order.
void pipelined(std::uint16_t port, Findings& findings) {
  RawClient client(port);
  std::string burst;
  for (int i = 0; i < 20; ++i) burst += kGood;
  client.send(burst);
  for (int i = 0; i < 20; ++i) {
    if (client.read_response().status != 200) findings.add("a pipelined request was not answered 200");
  }
}

}  // namespace

TEST(ServerUnderAttack, AWellBehavedClientIsServedInBoundedTimeWhileHostileOnesAreCutOff) {
  App app({.routes = {Route("/", hello), Route("/echo", echo, {"POST"}), Route("/items/{name}", item)}});
  auto options = test::test_server_options();
  options.header_timeout = kTimeout;
  options.body_timeout = kTimeout;
  TestServer server(app, options);
  const auto port = server.port();

  // Before the attack: the same client's latencies, for comparison.
  RawClient good(port);
  std::vector<double> before;
  for (int i = 0; i < 200; ++i) {
    const auto started = Clock::now();
    ASSERT_EQ(good.request(kGood).status, 200);
    before.push_back(Milliseconds(Clock::now() - started).count());
  }

  // Each idle connection takes a descriptor here and one in the server.
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = std::max<rlim_t>(files.rlim_cur, std::min<rlim_t>(files.rlim_max, 3 * kIdleConnections));
  ::setrlimit(RLIMIT_NOFILE, &files);
  if (files.rlim_cur < 2 * kIdleConnections + 200) GTEST_SKIP() << "needs " << 2 * kIdleConnections + 200 << " files";
  std::vector<RawClient> idle;
  idle.reserve(kIdleConnections);
  const auto idle_since = Clock::now();
  for (int i = 0; i < kIdleConnections; ++i) idle.emplace_back(port);

  std::atomic<bool> stop = false;
  Findings findings;
  std::vector<std::thread> attackers;
  // Joined however the test ends: a joinable thread's destructor would abort the binary.
  struct JoinAtEnd {
    std::atomic<bool>& stop;
    std::vector<std::thread>& threads;
    ~JoinAtEnd() {
      stop = true;
      for (auto& thread : threads)
        if (thread.joinable()) thread.join();
    }
  } join_at_end{stop, attackers};
  attackers.push_back(keep_attacking(stop, findings, [&] { slowloris(port, stop, findings); }));
  attackers.push_back(keep_attacking(stop, findings, [&] { stalled_body(port, findings); }));
  attackers.push_back(keep_attacking(stop, findings, [&] { stalled_body(port, findings); }));
  attackers.push_back(keep_attacking(stop, findings, [&] { endless_body(port, findings); }));
  attackers.push_back(keep_attacking(stop, findings, [&] { malformed(port, findings); }));
  attackers.push_back(keep_attacking(stop, findings, [&] { pipelined(port, findings); }));

  std::vector<double> during;
  const auto attack_ends = Clock::now() + kAttack;
  while (Clock::now() < attack_ends) {
    const auto started = Clock::now();
    const auto response = good.request(kGood);
    during.push_back(Milliseconds(Clock::now() - started).count());
    ASSERT_EQ(response.status, 200);  // the attackers are joined on the way out
  }
  stop = true;
  for (auto& attacker : attackers) attacker.join();

  // The idle connections sent nothing: closed at the header timeout, all of them.
  int still_open = 0;
  for (auto& connection : idle) {
    const auto waited = Clock::now() - idle_since;
    const auto grace =
        waited < kTimeout + 2s ? std::chrono::duration_cast<std::chrono::milliseconds>(kTimeout + 2s - waited) : 0ms;
    if (!connection.closed_within(grace)) ++still_open;
  }
  EXPECT_EQ(still_open, 0) << "of " << kIdleConnections << " idle connections, past the header timeout";

  for (const auto& finding : findings.all()) ADD_FAILURE() << finding;
  std::sort(before.begin(), before.end());
  std::sort(during.begin(), during.end());
  const auto percentile = [](const std::vector<double>& sorted, double p) {
    return sorted[static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1))];
  };
  std::cout << "well-behaved client, ms: before p50 " << percentile(before, 0.5) << " p99 " << percentile(before, 0.99)
            << "; under attack (" << during.size() << " requests) p50 " << percentile(during, 0.5) << " p99 "
            << percentile(during, 0.99) << " max " << during.back() << "\n";
  EXPECT_LT(during.back(), Milliseconds(kBoundedLatency).count()) << "a request waited behind a hostile client";
  EXPECT_GT(during.size(), 100u) << "the well-behaved client was barely served";
}

// Metrics: requests counted by route template, method and status (unmatched
// paths and invented methods folded), the latency histogram, requests in
// flight, exceptions as 500, collectors, the text endpoint, and WebSockets left out.
#include <starling/metrics.hpp>

#include "support/metrics_text.hpp"

#include <starling/application.hpp>
#include <starling/testclient.hpp>
#include <starling/websockets.hpp>

#include <gtest/gtest.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace starling {
namespace {

using test::sample_value;

awaitable<Response> ok(Request&) { co_return PlainTextResponse("ok"); }

awaitable<Response> slow(Request&) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, std::chrono::milliseconds(30));
  co_await timer.async_wait(boost::asio::use_awaitable);
  co_return PlainTextResponse("slow");
}

awaitable<Response> broken(Request&) {
  throw std::runtime_error("broken");
  co_return Response();
}

class MetricsTest : public ::testing::Test {
 protected:
  Metrics metrics_;
  App app_{{.routes = {Route("/notes/{id:int}", ok, {"GET", "DELETE"}), Route("/slow", slow), Route("/broken", broken),
                       Route("/metrics", metrics_.endpoint())},
            .middleware = {metrics_.middleware()}}};
  TestClient client_{app_, {.raise_server_exceptions = false}};
};

TEST_F(MetricsTest, CountsRequestsByRouteTemplateMethodAndStatus) {
  client_.get("/notes/1");
  client_.get("/notes/2");
  client_.delete_("/notes/3");
  client_.get("/nowhere");
  client_.get("/nowhere/else");
  client_.post("/notes/1");  // 405: the path matched, the method did not
  const auto text = metrics_.render();
  EXPECT_EQ(sample_value(text, R"(starling_http_requests_total{method="GET",route="/notes/{id:int}",status="200"})"),
            2.0)
      << text;
  EXPECT_EQ(sample_value(text, R"(starling_http_requests_total{method="DELETE",route="/notes/{id:int}",status="200"})"),
            1.0);
  EXPECT_EQ(sample_value(text, R"(starling_http_requests_total{method="GET",route="unmatched",status="404"})"), 2.0);
  EXPECT_EQ(sample_value(text, R"(starling_http_requests_total{method="POST",route="unmatched",status="405"})"), 1.0);
  EXPECT_EQ(text.find("/notes/1\""), std::string::npos) << "no path in a label: " << text;
}

TEST_F(MetricsTest, FoldsInventedMethodsIntoOther) {
  client_.request("BREW", "/notes/1");
  client_.request("PROPFIND", "/notes/1");
  const auto text = metrics_.render();
  EXPECT_EQ(sample_value(text, R"(starling_http_requests_total{method="other",route="unmatched",status="405"})"), 2.0)
      << text;
  EXPECT_EQ(text.find("BREW"), std::string::npos) << text;
}

TEST_F(MetricsTest, TimesRequestsInAHistogram) {
  client_.get("/slow");
  client_.get("/notes/1");
  const auto text = metrics_.render();
  const std::string slow = R"(starling_http_request_duration_seconds_)";
  EXPECT_EQ(sample_value(text, slow + R"(count{method="GET",route="/slow"})"), 1.0) << text;
  EXPECT_GE(sample_value(text, slow + R"(sum{method="GET",route="/slow"})").value_or(0), 0.03) << text;
  EXPECT_EQ(sample_value(text, slow + R"(bucket{method="GET",route="/slow",le="0.025"})"), 0.0) << text;
  EXPECT_EQ(sample_value(text, slow + R"(bucket{method="GET",route="/slow",le="+Inf"})"), 1.0) << text;
  EXPECT_EQ(sample_value(text, slow + R"(count{method="GET",route="/notes/{id:int}"})"), 1.0) << text;
}

TEST_F(MetricsTest, AnExceptionCountsAs500) {
  EXPECT_EQ(client_.get("/broken").status_code, 500);
  EXPECT_EQ(
      sample_value(metrics_.render(), R"(starling_http_requests_total{method="GET",route="/broken",status="500"})"),
      1.0);
  EXPECT_EQ(sample_value(metrics_.render(), "starling_http_requests_in_flight"), 0.0);
}

TEST_F(MetricsTest, TheEndpointServesTheTextFormatAndSeesItselfInFlight) {
  const auto response = client_.get("/metrics");
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(response.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(sample_value(response.text(), "starling_http_requests_in_flight"), 1.0) << response.text();
  const auto second = client_.get("/metrics").text();  // the first scrape is counted by now
  EXPECT_EQ(sample_value(second, R"(starling_http_requests_total{method="GET",route="/metrics",status="200"})"), 1.0);
  EXPECT_NE(second.find("# TYPE starling_http_requests_total counter"), std::string::npos) << second;
  EXPECT_NE(second.find("# TYPE starling_http_request_duration_seconds histogram"), std::string::npos) << second;
}

TEST_F(MetricsTest, CollectorsAddReadingsAndAFailingOneIsLeftOut) {
  metrics_.add_collector([] {
    return std::vector<MetricSample>{{"jobs_queued", "Jobs waiting", MetricSample::Type::gauge, {{"queue", "mail"}}, 3},
                                     {"jobs_queued", "Jobs waiting", MetricSample::Type::gauge, {{"queue", "pdf"}}, 1},
                                     {"jobs_done_total", "Jobs done", MetricSample::Type::counter, {}, 42}};
  });
  metrics_.add_collector([]() -> std::vector<MetricSample> { throw std::runtime_error("queue unreachable"); });
  metrics_.add_collector([]() -> std::vector<MetricSample> { throw 42; });
  ::testing::internal::CaptureStderr();
  const auto text = metrics_.render();
  const auto log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(sample_value(text, R"(jobs_queued{queue="mail"})"), 3.0) << text;
  EXPECT_EQ(sample_value(text, R"(jobs_queued{queue="pdf"})"), 1.0) << text;
  EXPECT_EQ(sample_value(text, "jobs_done_total"), 42.0) << text;
  EXPECT_NE(text.find("# TYPE jobs_done_total counter"), std::string::npos) << text;
  EXPECT_NE(log.find("queue unreachable"), std::string::npos) << log;
  EXPECT_NE(log.find("not with a std::exception"), std::string::npos) << log;
  EXPECT_THROW(metrics_.add_collector(nullptr), std::invalid_argument);
}

awaitable<void> echo_once(WebSocket& websocket) {
  co_await websocket.accept();
  co_await websocket.send_text(co_await websocket.receive_text());
}

TEST(Metrics, WebSocketSessionsAreNotCounted) {
  Metrics metrics;
  App app({.routes = {WebSocketRoute("/ws", echo_once), Route("/", ok)}, .middleware = {metrics.middleware()}});
  TestClient client(app);
  {
    auto websocket = client.websocket_connect("/ws");
    websocket.send_text("hi");
    EXPECT_EQ(websocket.receive_text(), "hi");
    EXPECT_EQ(sample_value(metrics.render(), "starling_http_requests_in_flight"), 0.0);
  }
  client.get("/");
  const auto text = metrics.render();
  EXPECT_EQ(text.find("/ws"), std::string::npos) << text;
  EXPECT_EQ(sample_value(text, R"(starling_http_requests_total{method="GET",route="/",status="200"})"), 1.0) << text;
}

TEST(Metrics, BucketsMustIncrease) {
  EXPECT_THROW(Metrics({.latency_buckets = {0.1, 0.05}}), std::invalid_argument);
  EXPECT_THROW(Metrics({.latency_buckets = {0.1, 0.1}}), std::invalid_argument);
  Metrics custom({.latency_buckets = {0.5}});
  App app({.routes = {Route("/", ok)}, .middleware = {custom.middleware()}});
  TestClient(app).get("/");
  const auto text = custom.render();
  EXPECT_EQ(sample_value(text, R"(starling_http_request_duration_seconds_bucket{method="GET",route="/",le="0.5"})"),
            1.0)
      << text;
  EXPECT_EQ(sample_value(text, R"(starling_http_request_duration_seconds_bucket{method="GET",route="/",le="+Inf"})"),
            1.0);
}

TEST(Metrics, ThreadsCountIntoTheirOwnShardsAndAScrapeAddsThemUp) {
  Metrics metrics;
  App app({.routes = {Route("/", ok)}, .middleware = {metrics.middleware()}});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      TestClient client(app);
      for (int i = 0; i < 50; ++i) client.get("/");
    });
  for (auto& thread : threads) thread.join();
  const auto text = metrics.render();
  EXPECT_EQ(sample_value(text, R"(starling_http_requests_total{method="GET",route="/",status="200"})"), 200.0) << text;
  EXPECT_EQ(sample_value(text, R"(starling_http_request_duration_seconds_count{method="GET",route="/"})"), 200.0);
}

TEST(Metrics, CopiesShareTheirCountsAndSeparateMetricsDoNot) {
  Metrics first;
  Metrics other;
  // The copy is gone before the request; what it counted is not.
  App app({.routes = {Route("/", ok)}, .middleware = {Metrics(first).middleware()}});
  TestClient client(app);
  client.get("/");
  const auto series = R"(starling_http_requests_total{method="GET",route="/",status="200"})";
  EXPECT_EQ(sample_value(first.render(), series), 1.0);
  EXPECT_EQ(sample_value(other.render(), series), std::nullopt);
}

}  // namespace
}  // namespace starling

#include <starling/testclient.hpp>

#include <starling/application.hpp>
#include <starling/logging.hpp>

#include "request_access.hpp"
#include "testclient/client_impl.hpp"
#include "testclient/target.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>

namespace starling {

namespace asio = boost::asio;

nlohmann::json TestResponse::json() const {
  try {
    return nlohmann::json::parse(content);
  } catch (const nlohmann::json::parse_error&) {
    throw std::runtime_error("response body is not JSON: '" + content.substr(0, 200) + "'");
  }
}

TestClient::TestClient(App& app, TestClientOptions options) : impl_(new Impl{app, std::move(options), {}, {}}) {
  impl_->run_void(app.startup());
}

TestClient::~TestClient() {
  try {
    impl_->run_void(impl_->app.shutdown());
  } catch (const std::exception& error) {
    log::error(std::string("TestClient: a shutdown hook failed: ") + error.what());
  } catch (...) {
    log::error("TestClient: a shutdown hook failed with a non-standard exception");
  }
  // Another thread (the thread pool, a database driver) may still be letting
  // go of this loop after posting its last answer. Its work guard keeps the
  // loop running until it has, so the loop is not destroyed under it. Bounded:
  // a task left waiting on a timer must not hang the test.
  impl_->context.restart();
  impl_->context.run_for(std::chrono::seconds(1));
}

std::map<std::string, std::string>& TestClient::cookies() { return impl_->jar.cookies; }

TestResponse TestClient::Impl::send(std::string_view method, const testclient::Target& target,
                                    const RequestOptions& request_options) {
  RequestParts parts = testclient::build_request(method, target, request_options, jar.cookies, options.client_host);
  Request request(std::move(parts));
  Response response = run(app.handle(request));
  const auto unhandled = detail::RequestAccess::unhandled_exception(request);
  if (unhandled && options.raise_server_exceptions) std::rethrow_exception(unhandled);

  TestResponse result;
  result.status_code = response.status_code;
  result.headers = std::move(response.headers);
  result.url = target.url();
  if (response.stream) {
    while (auto chunk = run(response.stream->next())) result.content += *chunk;
  } else {
    result.content = std::move(response.body);
  }
  // What the server would add: the length of a body it knows in full.
  if (!result.headers.contains("content-length") && !(response.stream && !response.stream->length()) &&
      response.status_code >= 200 && response.status_code != 204 && response.status_code != 304)
    result.headers.set("content-length", std::to_string(result.content.size()));
  if (method == "HEAD") result.content.clear();
  jar.update(result.headers);
  // As a server runs them after sending: before the test sees the answer.
  if (!response.background.empty()) run_void(response.background.run());
  return result;
}

TestResponse TestClient::request(std::string_view method, std::string_view url, const RequestOptions& request_options) {
  auto target = testclient::Target::resolve(impl_->options.base_url, url);
  std::string current_method(method);
  RequestOptions current = request_options;
  const bool follow = request_options.follow_redirects.value_or(impl_->options.follow_redirects);
  for (int redirects = 0;; ++redirects) {
    auto response = impl_->send(current_method, target, current);
    const auto location = response.headers.get("location");
    const int status = response.status_code;
    const bool is_redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    if (!follow || !is_redirect || !location || redirects == 20) return response;
    target = target.follow(*location);
    // 303 always, and 301/302 after a POST, become a GET without a body (as browsers and httpx do).
    if (status == 303 || ((status == 301 || status == 302) && current_method == "POST")) {
      current_method = "GET";
      current.json.reset();
      current.data.reset();
      current.form.reset();
      current.files.clear();
    }
    current.params = {};
  }
}

TestResponse TestClient::get(std::string_view url, const RequestOptions& o) { return request("GET", url, o); }
TestResponse TestClient::post(std::string_view url, const RequestOptions& o) { return request("POST", url, o); }
TestResponse TestClient::put(std::string_view url, const RequestOptions& o) { return request("PUT", url, o); }
TestResponse TestClient::patch(std::string_view url, const RequestOptions& o) { return request("PATCH", url, o); }
TestResponse TestClient::delete_(std::string_view url, const RequestOptions& o) { return request("DELETE", url, o); }
TestResponse TestClient::head(std::string_view url, const RequestOptions& o) { return request("HEAD", url, o); }
TestResponse TestClient::options(std::string_view url, const RequestOptions& o) { return request("OPTIONS", url, o); }

}  // namespace starling

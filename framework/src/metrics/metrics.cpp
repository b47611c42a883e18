#include "metrics/metrics_impl.hpp"

#include <starling/logging.hpp>
#include <starling/request.hpp>
#include <starling/responses.hpp>

#include <chrono>
#include <stdexcept>

namespace starling {
namespace {

using Clock = std::chrono::steady_clock;

// Ends where it began (a sync endpoint may resume the request on another thread).
class InFlight {
 public:
  explicit InFlight(metrics::Shard& shard) : shard_(shard) { shard_.in_flight.fetch_add(1, std::memory_order_relaxed); }
  ~InFlight() { shard_.in_flight.fetch_sub(1, std::memory_order_relaxed); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  metrics::Shard& shard_;
};

double seconds_since(Clock::time_point started) {
  return std::chrono::duration<double>(Clock::now() - started).count();
}

// The Impl and `next` are held by shared pointers: the Handler that called
// this may be a copy that dies before the response is ready.
awaitable<Response> counted(std::shared_ptr<Metrics::Impl> impl, std::shared_ptr<const Handler> next,
                            Request& request) {
  const auto started = Clock::now();
  const InFlight in_flight(impl->local_shard());
  try {
    Response response = co_await (*next)(request);
    impl->count(request.route_path(), request.method(), response.status_code, seconds_since(started));
    co_return response;
  } catch (...) {
    // What the app's error handling will answer.
    impl->count(request.route_path(), request.method(), 500, seconds_since(started));
    throw;
  }
}

// The text moves into the coroutine frame: the Response must outlive the call.
awaitable<Response> exposition(std::string text) {
  co_return Response(std::move(text), 200, {}, "text/plain; version=0.0.4");
}

}  // namespace

Metrics::Metrics(MetricsOptions options) : impl_(std::make_shared<Impl>(std::move(options))) {}

Middleware Metrics::middleware() const {
  return [impl = impl_](Handler next) -> Handler {
    return [impl, next = std::make_shared<const Handler>(std::move(next))](Request& request) {
      // A WebSocket's handler returns when the session ends: its "duration"
      // would be the session's, and it would stay in flight all along.
      if (request.is_websocket()) return (*next)(request);
      return counted(impl, next, request);
    };
  };
}

Handler Metrics::endpoint() const {
  return [impl = impl_](Request&) { return exposition(render_metrics(*impl)); };
}

void Metrics::add_collector(MetricsCollector collector) {
  if (!collector) throw std::invalid_argument("Metrics::add_collector: the collector is empty");
  const std::lock_guard lock(impl_->collectors_mutex);
  impl_->collectors.push_back(std::move(collector));
}

std::string Metrics::render() const { return render_metrics(*impl_); }

}  // namespace starling

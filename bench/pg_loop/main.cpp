// A reference for PostgreSQL /db: the same Starling server and JSON response as
// techempower, but each event loop drives its own libpq connections itself,
// non-blocking and pipelined, with no pool and no driver threads. What it
// serves bounds what moving the database runtime onto the event loops can win.
//   pg_loop --database-url URL [--port P] [--threads N] [--connections-per-thread N]
#include <starling/starling.hpp>

#include <libpq-fe.h>
#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <deque>
#include <iostream>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using namespace starling;
namespace asio = boost::asio;

namespace {

std::string g_database_url;
std::size_t g_connections_per_thread = 2;

// One answer awaited by a request: the loop's reader fills it and fires the timer.
struct Answer {
  explicit Answer(const asio::any_io_executor& executor) : ready(executor, asio::steady_timer::time_point::max()) {}
  asio::steady_timer ready;
  int id = 0;
  int random_number = 0;
  std::string error;
};

// A libpq connection in pipeline mode, read by a coroutine on its loop.
class LoopConnection {
 public:
  explicit LoopConnection(const asio::any_io_executor& executor) : socket_(executor) {
    // Opened on the loop's first request, blocking it once (a reference, not a runtime).
    connection_ = PQconnectdb(g_database_url.c_str());
    PGresult* prepared =
        PQstatus(connection_) == CONNECTION_OK
            ? PQprepare(connection_, "world", "SELECT id, randomnumber FROM world WHERE id = $1", 1, nullptr)
            : nullptr;
    const bool ok = PQresultStatus(prepared) == PGRES_COMMAND_OK;
    PQclear(prepared);
    if (!ok) {
      const std::string message = PQerrorMessage(connection_);
      PQfinish(connection_);
      throw std::runtime_error(message);
    }
    PQsetnonblocking(connection_, 1);
    PQenterPipelineMode(connection_);
    socket_.assign(PQsocket(connection_));
  }
  LoopConnection(const LoopConnection&) = delete;
  LoopConnection& operator=(const LoopConnection&) = delete;
  ~LoopConnection() {
    socket_.release();
    PQfinish(connection_);
  }

  std::size_t in_flight() const { return waiting_.size(); }

  void send(int id, std::shared_ptr<Answer> answer) {
    const std::string text = std::to_string(id);
    const char* values[] = {text.c_str()};
    if (!PQsendQueryPrepared(connection_, "world", 1, values, nullptr, nullptr, 0) || !PQpipelineSync(connection_))
      throw std::runtime_error(PQerrorMessage(connection_));
    while (PQflush(connection_) == 1) {  // a few bytes: the socket's buffer takes them at once
    }
    waiting_.push_back(std::move(answer));
    if (!reading_) {
      reading_ = true;
      asio::co_spawn(socket_.get_executor(), read_answers(), asio::detached);
    }
  }

 private:
  // Answers the waiting requests in order; if the connection fails, all of them
  // with its error (a benchmark reference: it does not reconnect).
  awaitable<void> read_answers() {
    std::string failure;
    try {
      co_await read_until_answered();
    } catch (const std::exception& error) {
      failure = error.what();
    }
    for (; !waiting_.empty(); waiting_.pop_front()) {
      waiting_.front()->error = failure;
      waiting_.front()->ready.cancel();
    }
    reading_ = false;
  }

  // Answers are taken from what libpq holds before waiting for the socket:
  // PQflush may have read some into libpq's buffer already.
  awaitable<void> read_until_answered() {
    for (;;) {
      take_answers();
      if (waiting_.empty()) co_return;
      co_await socket_.async_wait(asio::posix::stream_descriptor::wait_read, asio::use_awaitable);
      if (!PQconsumeInput(connection_)) throw std::runtime_error(PQerrorMessage(connection_));
    }
  }

  void take_answers() {
    while (!waiting_.empty() && !PQisBusy(connection_)) {
      PGresult* result = PQgetResult(connection_);
      if (!result) continue;  // the end of one statement's results
      const auto status = PQresultStatus(result);
      if (status == PGRES_TUPLES_OK && PQntuples(result) == 1) {
        auto& answer = *waiting_.front();
        answer.id = std::atoi(PQgetvalue(result, 0, 0));
        answer.random_number = std::atoi(PQgetvalue(result, 0, 1));
        answer.ready.cancel();
        waiting_.pop_front();
      } else if (status != PGRES_PIPELINE_SYNC) {
        const char* message = PQresultErrorMessage(result);
        waiting_.front()->error = *message ? message : "no world row with that id";
        waiting_.front()->ready.cancel();
        waiting_.pop_front();
      }
      PQclear(result);
    }
  }

  PGconn* connection_ = nullptr;
  asio::posix::stream_descriptor socket_;
  std::deque<std::shared_ptr<Answer>> waiting_;
  bool reading_ = false;
};

// This loop's connections, opened on its first request.
std::vector<std::unique_ptr<LoopConnection>>& loop_connections(const asio::any_io_executor& executor) {
  thread_local std::vector<std::unique_ptr<LoopConnection>> connections;
  if (connections.empty())
    for (std::size_t i = 0; i < g_connections_per_thread; ++i)
      connections.push_back(std::make_unique<LoopConnection>(executor));
  return connections;
}

int random_id() {
  thread_local std::mt19937 generator(std::random_device{}());
  return std::uniform_int_distribution<int>(1, 10000)(generator);
}

awaitable<Response> single_query(Request&) {
  const auto executor = co_await asio::this_coro::executor;
  auto& connections = loop_connections(executor);
  LoopConnection* least = connections.front().get();
  for (auto& connection : connections)
    if (connection->in_flight() < least->in_flight()) least = connection.get();
  auto answer = std::make_shared<Answer>(executor);
  least->send(random_id(), answer);
  boost::system::error_code ignored;
  co_await answer->ready.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  if (!answer->error.empty()) throw std::runtime_error(answer->error);
  co_return JSONResponse({{"id", answer->id}, {"randomNumber", answer->random_number}});
}

}  // namespace

int main(int argc, char** argv) {
  ServerOptions server{.host = "127.0.0.1", .port = 8080, .threads = 0, .access_log = false};
  CLI::App cli{"PostgreSQL /db with libpq driven on the event loops (a benchmark reference)."};
  cli.add_option("--port", server.port)->capture_default_str();
  cli.add_option("--threads", server.threads)->capture_default_str();
  cli.add_option("--database-url", g_database_url)->required();
  cli.add_option("--connections-per-thread", g_connections_per_thread)
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  CLI11_PARSE(cli, argc, argv);
  App app({.routes = {Route("/db", single_query, {"GET"}),
                      Route("/plaintext", [](Request&) -> awaitable<Response> { co_return PlainTextResponse("ok"); },
                            {"GET"})}});
  return serve(app, server);
}

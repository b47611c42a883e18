// The database half of bench/db_run: fetch_one of a random row by primary key
// from a 10,000-row table, through the Database API (1 and 32 coroutines) and
// in bare driver loops (SQLiteCpp / libpqxx) on 1 and N threads, same run;
// and execute_many of 1000 UPDATEs beside the bare driver's row-by-row loop.
//
//   db_bench <database-url> <seconds> <pool-size N> [case]
// Prints one line per measurement: "<name> <queries per second>"; with a case
// name (bare_1, api_1, bare_N, api_32_pool_N, execute_many_bare, ...) only that one, e.g. under perf.
#include <starling/db.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <pqxx/pqxx>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace db = starling::db;
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

constexpr int kRows = 10'000;

template <class T>
T run(db::awaitable<T> task) {
  asio::io_context loop;
  auto future = asio::co_spawn(loop, std::move(task), asio::use_future);
  loop.run();
  return future.get();
}

void create_table(const db::DatabaseURL& url) {
  db::Database database(url);
  run(database.connect());
  run(database.execute(db::text("DROP TABLE IF EXISTS bench_rows")));
  run(database.execute(db::text("CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL, n INTEGER)")));
  std::vector<db::Values> rows;
  for (int id = 1; id <= kRows; ++id)
    rows.push_back({{"id", id}, {"body", "row " + std::to_string(id)}, {"n", id * 7}});
  run(database.execute_many(db::text("INSERT INTO bench_rows (id, body, n) VALUES (:id, :body, :n)"), rows));
  run(database.disconnect());
}

// N threads, each with its own connection, each running `query(rng)` until the deadline.
template <class MakeLoop>
double bare_loops(int threads, double seconds, MakeLoop make_loop) {
  std::atomic<long> total{0};
  std::vector<std::thread> workers;
  const auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      auto query = make_loop();
      std::mt19937 rng(static_cast<unsigned>(t + 1));
      std::uniform_int_distribution<int> pick(1, kRows);
      long done = 0;
      while (Clock::now() < deadline) {
        query(pick(rng));
        ++done;
      }
      total += done;
    });
  }
  for (auto& worker : workers) worker.join();
  return static_cast<double>(total) / seconds;
}

auto sqlite_query(const db::DatabaseURL& url) {
  return [&url] {
    // A busy timeout as the Database sets: connections opening together wait out WAL recovery.
    auto database = std::make_shared<SQLite::Database>(url.database(), SQLite::OPEN_READWRITE, 5000);
    auto statement = std::make_shared<SQLite::Statement>(*database, "SELECT id, body, n FROM bench_rows WHERE id = ?");
    return [database, statement](int id) {
      statement->reset();
      statement->bind(1, id);
      if (!statement->executeStep() || statement->getColumn(0).getInt() != id) std::abort();
      volatile auto body = statement->getColumn(1).getString();
      (void)body;
    };
  };
}

std::string postgres_options(const db::DatabaseURL& url) {
  std::string options = "host=" + url.hostname() + " port=" + std::to_string(url.port().value_or(5432)) +
                        " dbname=" + url.database() + " user=" + url.username();
  if (!url.password().empty()) options += " password=" + url.password();
  return options;
}

auto postgres_query(const db::DatabaseURL& url) {
  return [&url] {
    auto connection = std::make_shared<pqxx::connection>(postgres_options(url));
    connection->prepare("by_id", "SELECT id, body, n FROM bench_rows WHERE id = $1");
    return [connection](int id) {
      pqxx::nontransaction work(*connection);
      const auto result = work.exec_prepared("by_id", id);
      if (result.size() != 1 || result[0][0].as<int>() != id) std::abort();
    };
  };
}

// The cheapest hand-off there is, as a bound for any design that keeps driver
// calls off the caller's thread: the caller hands each query to a worker thread
// that owns the connection (a bare SQLiteCpp / libpqxx loop as above) through
// one slot per worker, both sides spinning, nothing allocated, no event loop.
// The caller keeps every worker busy.
struct alignas(64) HandoffSlot {
  std::atomic<int> request{0};  // an id to look up; 0 when none
  std::atomic<bool> done{true};
  std::atomic<bool> stop{false};
};

template <class MakeLoop>
double handoff_loops(int workers, double seconds, MakeLoop make_loop) {
  std::vector<HandoffSlot> slots(static_cast<std::size_t>(workers));
  std::vector<std::thread> threads;
  for (auto& slot : slots) {
    threads.emplace_back([&slot, &make_loop] {
      auto query = make_loop();
      for (;;) {
        int id = 0;
        for (int looks = 0; (id = slot.request.load(std::memory_order_acquire)) == 0; ++looks) {
          if (slot.stop.load(std::memory_order_relaxed)) return;
          // Spin briefly, then let the other threads have the core (more threads than cores).
          if (looks < 1000)
            __builtin_ia32_pause();
          else
            std::this_thread::yield();
        }
        query(id);
        slot.request.store(0, std::memory_order_relaxed);
        slot.done.store(true, std::memory_order_release);
      }
    });
  }
  std::mt19937 rng(1);
  std::uniform_int_distribution<int> pick(1, kRows);
  long total = 0;
  const auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < deadline) {
    for (auto& slot : slots) {
      if (!slot.done.load(std::memory_order_acquire)) continue;
      slot.done.store(false, std::memory_order_relaxed);
      slot.request.store(pick(rng), std::memory_order_release);
      ++total;
    }
  }
  for (auto& slot : slots) {
    while (!slot.done.load(std::memory_order_acquire)) std::this_thread::yield();
    slot.stop.store(true);
  }
  for (auto& thread : threads) thread.join();
  return static_cast<double>(total - workers) / seconds;  // the first round only started
}

double through_database(const db::DatabaseURL& url, int coroutines, std::size_t pool, double seconds) {
  db::Database database(url, {.min_size = pool, .max_size = pool});
  run(database.connect());
  asio::io_context loop;
  std::atomic<long> total{0};
  const auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
  for (int c = 0; c < coroutines; ++c) {
    asio::co_spawn(
        loop,
        [&, c]() -> db::awaitable<void> {
          std::mt19937 rng(static_cast<unsigned>(c + 1));
          std::uniform_int_distribution<int> pick(1, kRows);
          long done = 0;
          while (Clock::now() < deadline) {
            const int id = pick(rng);
            const auto query = db::text("SELECT id, body, n FROM bench_rows WHERE id = :id").bind("id", id);
            auto row = co_await database.fetch_one(query);
            if (!row || row->get<int>("id") != id) std::abort();
            ++done;
          }
          total += done;
        },
        asio::detached);
  }
  loop.run();
  run(database.disconnect());
  return static_cast<double>(total) / seconds;
}

// execute_many of UPDATEs by primary key, in rows/s: through the Database,
// beside the bare driver running the prepared statement row by row in one
// transaction (what a batch costs without sending rows ahead of answers).
constexpr int kManyRows = 1000;

double execute_many_through_database(const db::DatabaseURL& url, double seconds) {
  db::Database database(url, {.min_size = 1, .max_size = 1});
  run(database.connect());
  const auto update = db::text("UPDATE bench_rows SET n = :n WHERE id = :id");
  std::vector<db::Values> rows;
  for (int id = 1; id <= kManyRows; ++id) rows.push_back({{"id", id}, {"n", id * 3}});
  long done = 0;
  for (const auto deadline = Clock::now() + std::chrono::duration<double>(seconds); Clock::now() < deadline;) {
    run(database.execute_many(update, rows));
    done += kManyRows;
  }
  run(database.disconnect());
  return static_cast<double>(done) / seconds;
}

double execute_many_bare(const db::DatabaseURL& url, double seconds) {
  long done = 0;
  const auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
  if (url.dialect() == db::Dialect::sqlite) {
    SQLite::Database database(url.database(), SQLite::OPEN_READWRITE, 5000);
    SQLite::Statement update(database, "UPDATE bench_rows SET n = ?2 WHERE id = ?1");
    for (; Clock::now() < deadline; done += kManyRows) {
      SQLite::Transaction transaction(database);
      for (int id = 1; id <= kManyRows; ++id) {
        update.reset();
        update.bind(1, id);
        update.bind(2, id * 3);
        update.exec();
      }
      transaction.commit();
    }
  } else {
    pqxx::connection postgres(postgres_options(url));
    postgres.prepare("update", "UPDATE bench_rows SET n = $2 WHERE id = $1");
    for (; Clock::now() < deadline; done += kManyRows) {
      pqxx::work work(postgres);
      for (int id = 1; id <= kManyRows; ++id) work.exec_prepared("update", id, id * 3);
      work.commit();
    }
  }
  return static_cast<double>(done) / seconds;
}

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: db_bench <database-url> <seconds> <pool-size> [case]\n");
    return 2;
  }
  const db::DatabaseURL url(argv[1]);
  const double seconds = std::stod(argv[2]);
  const int pool = std::stoi(argv[3]);
  create_table(url);
  const bool sqlite = url.dialect() == db::Dialect::sqlite;
  const auto bare = [&](int threads) {
    return sqlite ? bare_loops(threads, seconds, sqlite_query(url)) : bare_loops(threads, seconds, postgres_query(url));
  };
  const auto handoff = [&](int workers) {
    return sqlite ? handoff_loops(workers, seconds, sqlite_query(url))
                  : handoff_loops(workers, seconds, postgres_query(url));
  };
  const std::string only = argc == 5 ? argv[4] : "";
  const auto measure = [&](const std::string& name, auto run_case) {
    if (only.empty() || only == name) std::printf("%s %.0f\n", name.c_str(), run_case());
  };
  const auto n = std::to_string(pool);
  measure("bare_1", [&] { return bare(1); });
  measure("handoff_1", [&] { return handoff(1); });
  measure("api_1", [&] { return through_database(url, 1, 1, seconds); });
  if (pool != 1) {  // else measured above
    measure("bare_" + n, [&] { return bare(pool); });
    measure("handoff_" + n, [&] { return handoff(pool); });
  }
  measure("api_32_pool_" + n, [&] { return through_database(url, 32, static_cast<std::size_t>(pool), seconds); });
  measure("execute_many_bare", [&] { return execute_many_bare(url, seconds); });
  measure("execute_many_api", [&] { return execute_many_through_database(url, seconds); });
  return 0;
}

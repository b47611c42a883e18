#pragma once
// A PostgreSQL connection, opened by libpqxx 6.4 and run through libpq:
// prepared statements cached per connection, values sent as text parameters,
// results typed by column OID.

#include "backends/backend.hpp"
#include "backends/statement_timing.hpp"

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

struct pg_conn;    // libpq's PGconn
struct pg_result;  // libpq's PGresult

namespace pqxx {
template <typename CONNECTPOLICY>
class basic_connection_base;
}  // namespace pqxx

namespace starling::db::backend {

class NotingConnect;

class PostgresConnection final : public Connection {
 public:
  /// Connects. @throws ConnectionError naming the URL (password obscured).
  explicit PostgresConnection(const DatabaseURL& url, const ConnectionOptions& options = {});
  ~PostgresConnection() override;

  Result execute(const std::string& sql, const std::vector<Value>& params) override;
  std::unique_ptr<Cursor> open_cursor(const std::string& sql, const std::vector<Value>& params,
                                      bool in_transaction) override;
  bool pipelines(const PipelineStatement& statement) const override;
  std::vector<PipelineOutcome> run_pipeline(std::span<const PipelineStatement> statements) override;
  void execute_all(std::span<const PipelineStatement> statements) override;
  bool is_alive() override;
  /// libpq's handle, for tests (PQtrace).
  pg_conn* native_handle() const { return handle_; }
  bool in_transaction() const override;

 private:
  // A statement prepared on this connection, its result's column names once
  // known, whether it may join a pipeline by its kind, how long it typically
  // runs, and whether its plan went stale (prepared afresh at its next run).
  struct Prepared {
    std::string name;
    Columns columns;
    bool is_data_statement = false;
    StatementTiming timing;
    bool stale = false;
  };
  Prepared& prepared(const std::string& sql);
  // `word`: the SQL's first keyword, upper case (found once per statement).
  Result run_statement(const std::string& sql, const std::string& word,
                       const std::vector<std::optional<std::string>>& texts, const std::vector<const char*>& pointers);
  Result run_prepared(const std::string& sql, const std::vector<const char*>& pointers);
  Result result_of(pg_result* result, Prepared& statement);
  // What a pipeline sends of one statement: its prepared statement and
  // parameters as text, or the db::Error that keeps it from being sent.
  struct Sendable {
    Prepared* statement = nullptr;
    std::vector<std::optional<std::string>> texts;
    std::exception_ptr error;
  };
  // Whether execute_all can send these in one pipeline.
  bool pipelinable(std::span<const PipelineStatement> statements) const;
  // Prepares each statement and converts its parameters, room made in the
  // cache first so that none is evicted meanwhile (at most kStatementCacheSize
  // different statements). @throws ConnectionError.
  std::vector<Sendable> prepare_all(std::span<const PipelineStatement> statements);
  // Queues a prepared statement in pipeline mode. @throws ConnectionError.
  void send_prepared(const Sendable& sendable, const std::string& sql);
  // Reads one pipelined statement's answer into `outcome`, then its sync's;
  // answers false when the plan went stale (run it again alone). @throws ConnectionError.
  bool read_pipelined(PipelineOutcome& outcome, Prepared& statement, const std::string& sql);
  // Reads the answers of pipelined statements sent without syncs between
  // them. @returns the first one's error. @throws ConnectionError.
  std::exception_ptr read_answers(std::span<const PipelineStatement> statements);
  // Marks the connection broken. @returns the error saying so.
  ConnectionError broke(const std::string& sql);
  static Result outcome_of(pg_result* result, Columns columns);
  using ResultPtr = std::unique_ptr<pg_result, void (*)(pg_result*)>;
  // libpq's result of a statement that succeeded; otherwise @throws its db::Error.
  // A prepared statement whose plan went stale (its table changed shape) is
  // marked so; then, when the caller can run it again, the answer is null.
  ResultPtr succeeded(pg_result* result, const std::string& sql, bool stale_plan_allowed);

  // The concrete type: pqxx::connection_base's destructor is not virtual.
  std::unique_ptr<pqxx::basic_connection_base<NotingConnect>> connection_;
  pg_conn* handle_ = nullptr;                           // libpq's: every statement runs on it
  std::unordered_map<std::string, Prepared> prepared_;  // by SQL
  std::size_t next_name_ = 0;
  std::size_t next_cursor_ = 0;
  // Once broken, this connection refuses all work (the pool replaces it).
  bool broken_ = false;
  bool statement_failed_ = false;  // since the last BEGIN/ROLLBACK: the transaction is aborted
};

}  // namespace starling::db::backend

#include "handlers.hpp"

#include "note_input.hpp"
#include "tables.hpp"

#include <starling/db/text.hpp>
#include <starling/db/transaction.hpp>
#include <starling/exceptions.hpp>
#include <starling/responses.hpp>

#include <stdexcept>

namespace notes {
namespace {

namespace db = starling::db;
using starling::awaitable;
using starling::HTTPException;
using starling::JSONResponse;
using starling::Request;
using starling::Response;
using nlohmann::json;

// The reference's shape: {"text", "completed"}.
json note_json(const db::Row& row) { return {{"text", row["text"]}, {"completed", row["completed"]}}; }
json note_json_with_id(const db::Row& row) {
  return {{"id", row["id"]}, {"text", row["text"]}, {"completed", row["completed"]}};
}

std::int64_t note_id(const Request& request) { return request.path_params().get<long long>("id"); }

[[noreturn]] void not_found(std::int64_t id) {
  throw HTTPException(404, "note " + std::to_string(id) + " not found");
}

db::Select filtered_notes(const Request& request) {
  auto query = notes.select().order_by(notes.c("id"));  // insertion order, as in the reference
  if (const auto completed = bool_param(request, "completed")) query = query.where(notes.c("completed") == *completed);
  if (const auto limit = count_param(request, "limit")) query = query.limit(*limit);
  if (const auto offset = count_param(request, "offset")) query = query.offset(*offset);
  return query;
}

// The reference's populate_note: inserts, then fails; the transaction must undo it.
db::Insert doomed_note() { return notes.insert().values({{"text", "you won't see me"}, {"completed", true}}); }

}  // namespace

starling::Routes routes(db::Database& database) {
  const auto list_notes = [&database](Request& request) -> awaitable<Response> {
    const auto query = filtered_notes(request);
    const auto rows = co_await database.fetch_all(query);
    auto content = json::array();
    for (const auto& row : rows) content.push_back(note_json(row));
    co_return JSONResponse(content);
  };

  const auto add_note = [&database](Request& request) -> awaitable<Response> {
    const auto note = co_await read_note(request, false);
    const auto id = co_await database.execute(notes.insert().values(note.values()));
    co_return JSONResponse({{"text", *note.text}, {"completed", *note.completed}}, 200,
                           {{"Location", "/notes/" + std::to_string(id)}});
  };

  const auto get_note = [&database](Request& request) -> awaitable<Response> {
    const auto id = note_id(request);
    const auto row = co_await database.fetch_one(notes.select().where(notes.c("id") == id));
    if (!row) not_found(id);
    co_return JSONResponse(note_json_with_id(*row));
  };

  // PUT replaces both fields, PATCH any of them; both answer the stored note.
  const auto change_note = [&database](Request& request) -> awaitable<Response> {
    const auto id = note_id(request);
    const auto note = co_await read_note(request, request.method() == "PATCH");
    std::optional<db::Row> row;
    co_await database.transaction([&](db::Connection& tx) -> awaitable<void> {
      if (co_await tx.execute(notes.update().where(notes.c("id") == id).values(note.values())) == 0) co_return;
      row = co_await tx.fetch_one(notes.select().where(notes.c("id") == id));
    });
    if (!row) not_found(id);
    co_return JSONResponse(note_json_with_id(*row));
  };

  const auto delete_note = [&database](Request& request) -> awaitable<Response> {
    const auto id = note_id(request);
    if (co_await database.execute(notes.delete_().where(notes.c("id") == id)) == 0) not_found(id);
    co_return Response("", 204);
  };

  const auto health = [&database](Request&) -> awaitable<Response> {
    bool answers = false;
    try {
      answers = (co_await database.fetch_val(db::text("SELECT 1"))) == db::Value(1);
    } catch (const db::Error&) {
      answers = false;  // down, or every connection busy past the pool timeout
    }
    if (answers) co_return JSONResponse({{"status", "ok"}, {"database", "ok"}});
    co_return JSONResponse({{"status", "unavailable"}, {"database", "not answering"}}, 503, {{"Retry-After", "1"}});
  };

  // The reference's three transaction forms. Each answers 500; nothing is stored.
  const auto populate_decorator = db::transactional(database, [](db::Connection& tx, Request&) -> awaitable<Response> {
    co_await tx.execute(doomed_note());
    throw std::runtime_error("populate_note failed after its insert");
  });

  const auto populate_scoped = [&database](Request&) -> awaitable<Response> {
    co_await database.transaction([](db::Connection& tx) -> awaitable<void> {
      co_await tx.execute(doomed_note());
      throw std::runtime_error("populate_note failed after its insert");
    });
    co_return JSONResponse({{"unreachable", true}});
  };

  const auto populate_low_level = [&database](Request&) -> awaitable<Response> {
    auto tx = co_await database.begin();
    std::exception_ptr failure;
    try {
      co_await tx.execute(doomed_note());
      throw std::runtime_error("populate_note failed after its insert");
    } catch (...) {
      failure = std::current_exception();
    }
    co_await tx.rollback();
    std::rethrow_exception(failure);
  };

  return {
      starling::Route("/notes", list_notes, {"GET"}, "list_notes"),
      starling::Route("/notes", add_note, {"POST"}, "add_note"),
      starling::Route("/notes/{id:int}", get_note, {"GET"}, "note"),
      starling::Route("/notes/{id:int}", change_note, {"PUT", "PATCH"}, "change_note"),
      starling::Route("/notes/{id:int}", delete_note, {"DELETE"}, "delete_note"),
      starling::Route("/notes/populate/decorator", populate_decorator, {"POST"}),
      starling::Route("/notes/populate/scoped", populate_scoped, {"POST"}),
      starling::Route("/notes/populate/low-level", populate_low_level, {"POST"}),
      starling::Route("/health", health, {"GET"}, "health"),
  };
}

}  // namespace notes

#include "handlers.hpp"

#include "access.hpp"
#include "import.hpp"
#include "note.hpp"
#include "note_input.hpp"
#include "tables.hpp"

#include <starling/db/text.hpp>
#include <starling/db/transaction.hpp>
#include <starling/exceptions.hpp>
#include <starling/logging.hpp>
#include <starling/responses.hpp>
#include <starling/staticfiles.hpp>

#include <functional>
#include <stdexcept>

namespace notes {
namespace {

namespace db = starling::db;
using nlohmann::json;
using starling::awaitable;
using starling::HTTPException;
using starling::JSONResponse;
using starling::Request;
using starling::Response;

std::int64_t note_id(const Request& request) { return request.path_params().get<long long>("id"); }

[[noreturn]] void not_found(std::int64_t id) { throw HTTPException(404, "note " + std::to_string(id) + " not found"); }

// The notes ?completed= asks for, in insertion order (as in the reference).
db::Select filtered_notes(const Request& request) {
  auto query = notes.select().order_by(notes.c("id"));
  if (const auto completed = bool_param(request, "completed")) query = query.where(notes.c("completed") == *completed);
  return query;
}

// The page ?limit= and ?offset= ask for, if they do.
std::optional<db::Select> paged(const db::Select& query, const Request& request) {
  const auto limit = count_param(request, "limit");
  const auto offset = count_param(request, "offset");
  if (!limit && !offset) return std::nullopt;
  auto page = query;
  if (limit) page = page.limit(*limit);
  if (offset) page = page.offset(*offset);
  return page;
}

// The reference's populate_note: inserts, then fails; the transaction must undo it.
db::Insert doomed_note() { return notes.insert().values({{"text", "you won't see me"}, {"completed", true}}); }

}  // namespace

starling::Routes routes(db::Database& database, LiveNotes& live, const std::filesystem::path& static_dir,
                        bool writes_need_token) {
  // ?full=true adds each note's id and created_at (the web page needs the ids).
  // A page of the list says how many notes the whole list has (X-Total-Count).
  const auto list_notes = [&database](Request& request) -> awaitable<Response> {
    const auto query = filtered_notes(request);
    const auto page = paged(query, request);
    const bool full = bool_param(request, "full").value_or(false);
    const auto& shown = page ? *page : query;
    nlohmann::ordered_json content;  // each note's members in declared order, as GET /notes/{id}
    if (full)
      content = co_await database.fetch_all<Note>(shown);
    else
      content = co_await database.fetch_all<NoteBody>(shown);
    starling::Headers headers;
    if (page) {
      const auto total = query.count();
      const auto counted = co_await database.fetch_val(total);
      headers.set("X-Total-Count", std::to_string(counted.as<std::int64_t>()));
    }
    co_return JSONResponse(content, 200, std::move(headers));
  };

  const auto add_note = [&database, &live](Request& request) -> awaitable<Response> {
    const auto note = co_await read_note(request, false);
    const auto insert = notes.insert().values(note.values()).returning({notes.c("id")});
    const auto inserted = co_await database.fetch_one(insert);
    const auto id = inserted->get<std::int64_t>("id");
    live.publish({{"type", "created"}, {"note", {{"id", id}, {"text", *note.text}, {"completed", *note.completed}}}});
    JSONResponse response(NoteBody{*note.text, *note.completed}, 200,
                          {{"Location", request.url_for("note", {{"id", id}})}});
    // After the answer is out: the client never waits for the log.
    response.background.add([id, length = note.text->size()]() -> awaitable<void> {
      starling::log::info("notes: note " + std::to_string(id) + " created (" + std::to_string(length) + " bytes)");
      co_return;
    });
    co_return response;
  };

  const auto get_note = [&database](Request& request) -> awaitable<Response> {
    const auto id = note_id(request);
    const auto query = notes.select().where(notes.c("id") == id);
    const auto note = co_await database.fetch_one<Note>(query);
    if (!note) not_found(id);
    co_return JSONResponse(*note);
  };

  // PUT replaces both fields, PATCH any of them; both answer the stored note,
  // as the UPDATE's RETURNING gives it: one statement, no window between.
  const auto change_note = [&database, &live](Request& request) -> awaitable<Response> {
    const auto id = note_id(request);
    const auto note = co_await read_note(request, request.method() == "PATCH");
    const auto update = notes.update().where(notes.c("id") == id).values(note.values()).returning();
    const auto row = co_await database.fetch_one<Note>(update);
    if (!row) not_found(id);
    live.publish({{"type", "changed"}, {"note", *row}});
    co_return JSONResponse(*row);
  };

  const auto delete_note = [&database, &live](Request& request) -> awaitable<Response> {
    const auto id = note_id(request);
    const auto delete_it = notes.delete_().where(notes.c("id") == id);
    const auto deleted = co_await database.execute(delete_it);
    if (deleted.rowcount == 0) not_found(id);
    live.publish({{"type", "deleted"}, {"id", id}});
    co_return Response("", 204);
  };

  const auto health = [&database](Request&) -> awaitable<Response> {
    // Every connection busy with callers waiting: say so now rather than queue
    // behind them (a health check must answer within its own timeout).
    const auto stats = database.stats();
    bool answers = false;
    if (!(stats.in_use >= stats.max_size && stats.waiting > 0)) {
      const auto ping = db::text("SELECT 1");
      try {
        answers = (co_await database.fetch_val(ping)) == db::Value(1);
      } catch (const db::Error&) {
        answers = false;  // down, or every connection busy past the pool timeout
      }
    }
    if (answers) co_return JSONResponse({{"status", "ok"}, {"database", "ok"}});
    co_return JSONResponse({{"status", "unavailable"}, {"database", "not answering"}}, 503, {{"Retry-After", "1"}});
  };

  // The reference's three transaction forms. Each answers 500; nothing is stored.
  const auto populate_decorator = db::transactional(database, [](db::Connection& tx, Request&) -> awaitable<Response> {
    const auto insert = doomed_note();
    co_await tx.execute(insert);
    throw std::runtime_error("populate_note failed after its insert");
  });

  const auto populate_scoped = [&database](Request&) -> awaitable<Response> {
    const std::function<awaitable<void>(db::Connection&)> insert_then_fail = [](db::Connection& tx) -> awaitable<void> {
      const auto insert = doomed_note();
      co_await tx.execute(insert);
      throw std::runtime_error("populate_note failed after its insert");
    };
    co_await database.transaction(insert_then_fail);
    co_return JSONResponse({{"unreachable", true}});
  };

  const auto populate_low_level = [&database](Request&) -> awaitable<Response> {
    auto tx = co_await database.begin();
    std::exception_ptr failure;
    try {
      const auto insert = doomed_note();
      co_await tx.execute(insert);
      throw std::runtime_error("populate_note failed after its insert");
    } catch (...) {
      failure = std::current_exception();
    }
    co_await tx.rollback();
    std::rethrow_exception(failure);
  };

  const auto import = [&database, &live](Request& request) { return import_notes(request, database, live); };
  const auto watch = [&live](starling::WebSocket& websocket) { return live.serve(websocket); };
  const auto page = [index = static_dir / "index.html"](Request&) -> awaitable<Response> {
    co_return co_await starling::FileResponse::open(index);
  };

  using starling::Route;
  using starling::Schema;
  // A write needs the write scope: route middleware, so it answers 401 before
  // the route's declared body is checked.
  const auto writes = [writes_need_token](Route route) {
    route.middleware({writer});
    return writes_need_token ? std::move(route.security("bearer")) : std::move(route);
  };
  const auto not_found_error = [](Route route) { return std::move(route.response(404, "No note has that id")); };
  const auto populate = [&](const std::string& path, starling::Handler endpoint) {
    return writes(Route(path, std::move(endpoint), {"POST"})
                      .summary("The reference's transaction example: inserts, then fails; nothing is stored")
                      .response(500, "Always: the insert is rolled back"));
  };
  const auto listed = Schema::object({{"text", Schema::string()},
                                      {"completed", Schema::boolean()},
                                      {"id", Schema::integer(), false},
                                      {"created_at", Schema::string({.format = "date-time"}), false}})
                          .named("ListedNote")
                          .described("{text, completed}; with ?full=true, id and created_at too");
  const auto health_body =
      Schema::object({{"status", Schema::string({.one_of = {"ok", "unavailable"}})}, {"database", Schema::string()}})
          .named("Health");
  return {
      Route("/", page, {"GET"}, "page").summary("The web page").response(200, "index.html"),
      starling::Mount("/static", starling::StaticFiles(static_dir), "static"),
      starling::WebSocketRoute("/ws/notes", watch, "live_notes"),
      writes(Route("/notes/import", import, {"POST"}, "import_notes")
                 .max_body_size(kImportMaxBodySize)
                 .summary("Import notes from a .json or .csv file (multipart/form-data, field \"file\"), all or none")
                 .response(200, "How many were imported",
                           Schema::object({{"imported", Schema::integer({.minimum = 1})}}).named("Imported"))
                 .response(415, "Not a .json or .csv file")
                 .response(422, "The file, or one of its rows, is not notes")),
      Route("/notes", list_notes, {"GET"}, "list_notes")
          .summary("The notes, oldest first")
          .query("completed", Schema::boolean(), false, "Only the notes done (true) or not (false)")
          .query("limit", Schema::integer({.minimum = 0}), false,
                 "At most this many (X-Total-Count says how many in all)")
          .query("offset", Schema::integer({.minimum = 0}), false, "Skip this many first")
          .query("full", Schema::boolean(), false, "Add each note's id and created_at")
          .response(200, "The notes", Schema::array(listed)),
      writes(Route("/notes", add_note, {"POST"}, "add_note")
                 .summary("Add a note")
                 .body(note_body_schema())
                 .response(200, "The note as stored; Location says where", note_body_schema())),
      not_found_error(Route("/notes/{id:int}", get_note, {"GET"}, "note")
                          .summary("One note")
                          .response(200, "The note", note_schema())),
      not_found_error(writes(Route("/notes/{id:int}", change_note, {"PUT"}, "replace_note")
                                 .summary("Replace a note's text and state")
                                 .body(note_body_schema())
                                 .response(200, "The note as stored", note_schema()))),
      not_found_error(writes(Route("/notes/{id:int}", change_note, {"PATCH"}, "change_note")
                                 .summary("Change a note's text, state or both")
                                 .body(note_patch_schema())
                                 .response(200, "The note as stored", note_schema()))),
      not_found_error(writes(Route("/notes/{id:int}", delete_note, {"DELETE"}, "delete_note")
                                 .summary("Delete a note")
                                 .response(204, "Deleted"))),
      populate("/notes/populate/decorator", populate_decorator),
      populate("/notes/populate/scoped", populate_scoped),
      populate("/notes/populate/low-level", populate_low_level),
      Route("/health", health, {"GET"}, "health")
          .summary("Whether the service and its database answer")
          .response(200, "Both answer", health_body)
          .response(503, "The database does not answer (Retry-After: 1)", health_body),
  };
}

}  // namespace notes

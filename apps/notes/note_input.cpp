#include "note_input.hpp"

#include <starling/exceptions.hpp>

#include <charconv>

namespace notes {
namespace {

using nlohmann::json;
using starling::HTTPException;

// 422 {"detail": [{"field": ..., "message": ...}]}, as a declared check answers:
// the field named for code and for people.
[[noreturn]] void reject(const std::string& field, const std::string& problem) {
  throw HTTPException(422, json::array({{{"field", field}, {"message", "\"" + field + "\" " + problem}}}));
}

bool is_json(const std::string& media_type) {
  return media_type == "application/json" || (media_type.starts_with("application/") && media_type.ends_with("+json"));
}

}  // namespace

starling::db::Values NoteInput::values() const {
  starling::db::Values values;
  if (text) values.emplace_back("text", *text);
  if (completed) values.emplace_back("completed", *completed);
  return values;
}

const starling::Schema& note_body_schema() {
  using starling::Schema;
  static const Schema schema = Schema::object({{"text", Schema::string()}, {"completed", Schema::boolean()}})
                                   .named("NoteBody")
                                   .described("A note as the reference page has it");
  return schema;
}

const starling::Schema& note_patch_schema() {
  using starling::Schema;
  static const Schema schema =
      Schema::object({{"text", Schema::string(), false}, {"completed", Schema::boolean(), false}},
                     {.min_properties = 1})
          .named("NotePatch")
          .described("The fields to change: text, completed or both");
  return schema;
}

const starling::Schema& note_schema() {
  using starling::Schema;
  static const Schema schema = Schema::object({{"id", Schema::integer()},
                                               {"text", Schema::string()},
                                               {"completed", Schema::boolean()},
                                               {"created_at", Schema::string({.format = "date-time"})}})
                                   .named("Note")
                                   .described("A stored note");
  return schema;
}

starling::awaitable<NoteInput> read_note(starling::Request& request, bool partial) {
  if (!is_json(request.media_type())) throw HTTPException(415, "send the note as application/json");
  const json body = co_await request.json();
  co_return note_from_json(body, partial);
}

NoteInput note_from_json(const json& body, bool partial) {
  (partial ? note_patch_schema() : note_body_schema()).check(body);
  NoteInput note;
  if (body.contains("text")) note.text = body["text"].get<std::string>();
  if (body.contains("completed")) note.completed = body["completed"].get<bool>();
  return note;
}

std::optional<std::int64_t> count_param(const starling::Request& request, std::string_view name) {
  const auto text = request.query_params().get(name);
  if (!text) return std::nullopt;
  std::int64_t number = -1;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), number);
  if (error != std::errc() || end != text->data() + text->size() || number < 0)
    reject(std::string(name), "must be a whole number >= 0, not \"" + std::string(*text) + "\"");
  return number;
}

std::optional<bool> bool_param(const starling::Request& request, std::string_view name) {
  const auto text = request.query_params().get(name);
  if (!text) return std::nullopt;
  if (*text == "true") return true;
  if (*text == "false") return false;
  reject(std::string(name), "must be true or false, not \"" + std::string(*text) + "\"");
}

}  // namespace notes

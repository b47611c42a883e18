#include "note_input.hpp"

#include <starling/exceptions.hpp>

#include <charconv>

namespace notes {
namespace {

using nlohmann::json;
using starling::HTTPException;

// 422 {"detail": {"field": ..., "message": ...}}: the field named for code and for people.
[[noreturn]] void reject(const std::string& field, const std::string& problem) {
  throw HTTPException(422, json{{"field", field}, {"message", "\"" + field + "\" " + problem}});
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

starling::awaitable<NoteInput> read_note(starling::Request& request, bool partial) {
  if (!is_json(request.media_type())) throw HTTPException(415, "send the note as application/json");
  const json body = co_await request.json();
  co_return note_from_json(body, partial);
}

NoteInput note_from_json(const json& body, bool partial) {
  if (!body.is_object()) throw HTTPException(422, "the body must be a JSON object");
  NoteInput note;
  for (const auto& [key, value] : body.items()) {
    if (key == "text") {
      if (!value.is_string()) reject(key, "must be a string");
      note.text = value.get<std::string>();
    } else if (key == "completed") {
      if (!value.is_boolean()) reject(key, "must be true or false");
      note.completed = value.get<bool>();
    } else {
      reject(key, "is not a field of a note (text, completed)");
    }
  }
  if (!partial) {
    if (!note.text) reject("text", "is required");
    if (!note.completed) reject("completed", "is required");
  } else if (!note.text && !note.completed) {
    throw HTTPException(422, "give \"text\", \"completed\" or both");
  }
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

#include "note_input.hpp"

#include <starling/exceptions.hpp>

#include <cctype>
#include <charconv>

namespace notes {
namespace {

using starling::HTTPException;
using nlohmann::json;

// 422 {"detail": {"field": ..., "message": ...}}: the field named for code and for people.
[[noreturn]] void reject(const std::string& field, const std::string& problem) {
  throw HTTPException(422, json{{"field", field}, {"message", "\"" + field + "\" " + problem}});
}

bool is_json(std::string_view content_type) {
  const auto media = content_type.substr(0, content_type.find(';'));
  auto lower = std::string(media);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!lower.empty() && lower.back() == ' ') lower.pop_back();
  return lower == "application/json" || (lower.starts_with("application/") && lower.ends_with("+json"));
}

}  // namespace

starling::db::Values NoteInput::values() const {
  starling::db::Values values;
  if (text) values.emplace_back("text", *text);
  if (completed) values.emplace_back("completed", *completed);
  return values;
}

starling::awaitable<NoteInput> read_note(starling::Request& request, bool partial) {
  const auto content_type = request.headers().get("content-type");
  if (!content_type || !is_json(*content_type))
    throw HTTPException(415, "send the note as application/json");
  const json body = co_await request.json();
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
  co_return note;
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

#pragma once
// What a client may send for a note, checked before anything reaches the
// database: a JSON object with a string "text" and a boolean "completed"
// (never cast from 1, "yes" or null), and nothing else. Declared once as
// Schemas: routes check bodies against them, /openapi.json documents them.

#include <starling/db/statement.hpp>
#include <starling/request.hpp>
#include <starling/schema.hpp>

#include <optional>
#include <string>

namespace notes {

struct NoteInput {
  std::optional<std::string> text;
  std::optional<bool> completed;

  /// The fields given, as column values for an insert or update.
  starling::db::Values values() const;
};

/// The reference's note, as POST and PUT take it and the list answers it: {text, completed}.
const starling::Schema& note_body_schema();
/// What PATCH takes: text, completed or both.
const starling::Schema& note_patch_schema();
/// A stored note, as GET /notes/{id} answers it: id, text, completed, created_at.
const starling::Schema& note_schema();

/// Reads the request's note: both fields required unless `partial` (PATCH),
/// where at least one is. @throws HTTPException 415 unless the body is JSON,
/// 400 for malformed JSON, 422 listing each field that is missing, unknown or
/// of the wrong type (the route's declared body says the same first).
starling::awaitable<NoteInput> read_note(starling::Request& request, bool partial);
/// The same checks on a JSON value already parsed. @throws HTTPException 422
/// whose detail lists every problem as {"field", "message"}.
NoteInput note_from_json(const nlohmann::json& body, bool partial);

/// The query parameter `name` as a whole number >= 0, if given.
/// @throws HTTPException 422 naming it and its value.
std::optional<std::int64_t> count_param(const starling::Request& request, std::string_view name);
/// The query parameter `name` as true/false, if given.
/// @throws HTTPException 422 naming it and its value.
std::optional<bool> bool_param(const starling::Request& request, std::string_view name);

}  // namespace notes

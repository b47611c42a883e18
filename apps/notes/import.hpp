#pragma once
// POST /notes/import: notes from an uploaded JSON or CSV file, all or none.

#include "live.hpp"

#include <starling/db/database.hpp>
#include <starling/request.hpp>
#include <starling/responses.hpp>

#include <string_view>
#include <vector>

namespace notes {

/// The body limit of the import route: a file of notes is small.
inline constexpr std::size_t kImportMaxBodySize = 5 * 1024 * 1024;

/// Reads the form's "file": a JSON array of notes, or a CSV whose header names
/// `text` and `completed`. Every row is checked before any is stored, then all
/// go in one transaction: `{"imported": N}`, or 422 naming the first bad row
/// (`{"detail": {"row": 3, "field": "completed", "message": ...}}`), 415 for
/// another kind of file. Pages watching are told once.
starling::awaitable<starling::Response> import_notes(starling::Request& request, starling::db::Database& database,
                                                     LiveNotes& live);

/// RFC 4180 records: quoted fields may hold commas, quotes ("") and line
/// breaks; lines end in CRLF or LF; blank lines are skipped.
/// @throws HTTPException 422 for a quote left open.
std::vector<std::vector<std::string>> parse_csv(std::string_view text);

}  // namespace notes

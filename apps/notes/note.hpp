#pragma once
// A note as the service reads and answers it: rows map onto these by column
// name, and they convert to JSON member by member (<starling/db/typed_rows.hpp>).

#include <starling/db/typed_rows.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace notes {

/// The reference's shape: {"text", "completed"}.
struct NoteBody {
  std::string text;
  bool completed = false;
};
BOOST_DESCRIBE_STRUCT(NoteBody, (), (text, completed))

/// One note in full: its id and when it was created ("2026-12-06T21:40:05Z") as well.
struct Note {
  std::int64_t id = 0;
  std::string text;
  bool completed = false;
  std::chrono::sys_seconds created_at;
};
BOOST_DESCRIBE_STRUCT(Note, (), (id, text, completed, created_at))

}  // namespace notes

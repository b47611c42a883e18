// The notes app's request bodies: a note as JSON (whole or partial) through
// the depth-bounded parser Request::json() uses, and an import as CSV. A bad body is an HTTPException (422/400),
// nothing else.
#include "bounded_json.hpp"
#include "fuzz_input.hpp"
#include "import.hpp"
#include "note_input.hpp"

#include <starling/exceptions.hpp>

#include <nlohmann/json.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  starling::fuzz::Input input(data, size);
  const auto mode = input.byte();
  const auto text = input.rest();
  try {
    if (mode & 2) {
      (void)notes::parse_csv(text);
      return 0;
    }
    const auto body = starling::detail::parse_bounded_json(text);  // as Request::json() parses
    if (!body.error.empty()) return 0;
    (void)notes::note_from_json(body.value, mode & 1).values();
  } catch (const starling::HTTPException&) {
  }
  return 0;
}

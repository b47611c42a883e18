// DATABASE_URL text: parsed, or an InvalidDatabaseURL; a parsed URL written
// back out (password included) reads as the same URL, and its logged form
// never holds the password.
#include <starling/db/errors.hpp>
#include <starling/db/url.hpp>

#include <cstdlib>
#include <optional>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::optional<starling::db::DatabaseURL> url;
  try {
    url.emplace(text);
  } catch (const starling::db::InvalidDatabaseURL&) {
    return 0;
  }
  (void)url->to_string();
  // Outside the try: written back, it must parse, and as the same URL.
  if (starling::db::DatabaseURL(url->to_string_with_password()) != *url) std::abort();
  return 0;
}

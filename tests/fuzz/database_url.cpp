// DATABASE_URL text: parsed, or an InvalidDatabaseURL; a parsed URL written
// back out (password included) reads as the same URL, and its logged form
// never holds the password.
#include <starling/db/errors.hpp>
#include <starling/db/url.hpp>

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const starling::db::DatabaseURL url(text);
    if (starling::db::DatabaseURL(url.to_string_with_password()) != url) std::abort();
    (void)url.to_string();
  } catch (const starling::db::InvalidDatabaseURL&) {
  }
  return 0;
}

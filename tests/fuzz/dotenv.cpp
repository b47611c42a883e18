// `.env` text: parsed, or a ConfigError naming the line.
#include "config/dotenv.hpp"

#include <starling/config.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    (void)starling::detail::parse_dotenv(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.env");
  } catch (const starling::ConfigError&) {
  }
  return 0;
}

// The query string (and an urlencoded form, which reads the same): what
// parse gives back, written with to_string and parsed again, is the same.
#include <starling/datastructures.hpp>

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto params = starling::QueryParams::parse(text);
  const auto written = params.to_string();
  if (starling::QueryParams::parse(written).to_string() != written) std::abort();
  return 0;
}

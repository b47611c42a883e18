// Cookie headers as a request reads them: one or two Cookie fields, any text.
#include "fuzz_input.hpp"

#include <starling/request.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  starling::fuzz::Input input(data, size);
  const auto split = input.split();
  const auto text = input.rest();
  starling::RequestParts parts;
  parts.headers.append("cookie", std::string(text.substr(0, split)));
  if (split < text.size()) parts.headers.append("cookie", std::string(text.substr(split)));
  const starling::Request request(std::move(parts));
  for (const auto& [name, value] : request.cookies()) (void)(name.size() + value.size());
  return 0;
}

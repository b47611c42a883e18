// The Starling side of bench/run: TechEmpower's plaintext and JSON tests.
// Usage: bench_server [port [threads]]   (defaults: 8080, one thread per core)
#include <starling/starling.hpp>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <optional>

using namespace starling;

namespace {

awaitable<Response> plaintext(Request&) {
  co_return PlainTextResponse("Hello, World!");
}

// Built and serialised on every request, as TechEmpower's JSON test requires.
awaitable<Response> json_message(Request&) {
  co_return JSONResponse({{"message", "Hello, World!"}});
}

template <class Number>
std::optional<Number> parse(const char* text) {
  Number value{};
  const char* end = text + std::strlen(text);
  const auto [last, error] = std::from_chars(text, end, value);
  if (error != std::errc{} || last != end) return std::nullopt;
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  const auto port = parse<std::uint16_t>(argc > 1 ? argv[1] : "8080");
  const auto threads = parse<std::size_t>(argc > 2 ? argv[2] : "0");
  if (argc > 3 || !port || !threads) {
    std::fprintf(stderr, "usage: %s [port [threads]]\n", argv[0]);
    return 2;
  }
  App app({.routes = {Route("/plaintext", plaintext, {"GET"}), Route("/json", json_message, {"GET"})}});
  return serve(app, {.host = "127.0.0.1", .port = *port, .threads = *threads, .access_log = false});
}

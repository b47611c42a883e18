#pragma once
// Splits a fuzzer's bytes into the pieces a target needs: a few leading
// bytes that choose options, then the text itself.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace starling::fuzz {

class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : rest_(reinterpret_cast<const char*>(data), size) {}

  /// The next byte (0 once the input is used up).
  std::uint8_t byte() {
    if (rest_.empty()) return 0;
    const auto value = static_cast<std::uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return value;
  }
  /// Two bytes read as a position in what is left after them: [0, rest().size()].
  std::size_t split() {
    const std::size_t high = byte();
    const std::size_t low = byte();
    return (high << 8 | low) % (rest_.size() + 1);
  }
  /// What is left.
  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
};

}  // namespace starling::fuzz

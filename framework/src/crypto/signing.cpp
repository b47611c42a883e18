#include "crypto/signing.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <stdexcept>

namespace starling::crypto {
namespace {

constexpr unsigned int kMacSize = 32;  // SHA-256

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::string signed_text(std::string_view purpose, std::string_view payload, std::string_view stamp) {
  std::string text;
  text.reserve(purpose.size() + payload.size() + stamp.size() + 2);
  text.append(purpose).append("|").append(payload).append(".").append(stamp);
  return text;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const auto n = (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
                   (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                   static_cast<unsigned char>(bytes[i + 2]);
    for (const int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 0) return out;
  std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
  if (rest == 2) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
  out += kAlphabet[(n >> 18) & 63];
  out += kAlphabet[(n >> 12) & 63];
  if (rest == 2) out += kAlphabet[(n >> 6) & 63];
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const int value = sextet(c);
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  // Leftover bits must be zero: one encoding per value, so nothing can be
  // changed in a token without changing its bytes.
  if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  const auto* result =
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(), &length);
  // Never an empty or short MAC: compared with it, any signature would pass.
  if (result == nullptr || length != kMacSize) throw std::runtime_error("HMAC-SHA256 failed in OpenSSL");
  return {reinterpret_cast<const char*>(digest.data()), length};
}

std::string sign(std::string_view key, std::string_view purpose, std::string_view payload,
                 std::chrono::system_clock::time_point now) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const std::string encoded = base64url_encode(payload);
  const std::string stamp = std::to_string(seconds);
  return encoded + "." + stamp + "." + base64url_encode(hmac_sha256(key, signed_text(purpose, encoded, stamp)));
}

std::optional<Verified> verify(const std::vector<std::string_view>& keys, std::string_view purpose,
                               std::string_view token) {
  const auto first_dot = token.find('.');
  const auto last_dot = token.rfind('.');
  if (first_dot == std::string_view::npos || first_dot == last_dot) return std::nullopt;
  const auto encoded = token.substr(0, first_dot);
  const auto stamp = token.substr(first_dot + 1, last_dot - first_dot - 1);
  const auto signature = base64url_decode(token.substr(last_dot + 1));
  if (!signature || signature->size() != kMacSize) return std::nullopt;
  const std::string text = signed_text(purpose, encoded, stamp);
  bool valid = false;
  for (const auto key : keys) {
    const std::string expected = hmac_sha256(key, text);
    valid = valid || CRYPTO_memcmp(expected.data(), signature->data(), kMacSize) == 0;
  }
  if (!valid) return std::nullopt;
  std::int64_t seconds = 0;
  const auto [end, error] = std::from_chars(stamp.data(), stamp.data() + stamp.size(), seconds);
  if (error != std::errc{} || end != stamp.data() + stamp.size()) return std::nullopt;
  auto payload = base64url_decode(encoded);
  if (!payload) return std::nullopt;
  return Verified{std::move(*payload), std::chrono::system_clock::time_point(std::chrono::seconds(seconds))};
}

}  // namespace starling::crypto

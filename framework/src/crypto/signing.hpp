#pragma once
// Signed, timestamped values (what a session cookie carries), with OpenSSL's
// HMAC-SHA256 and URL-safe base64: `payload.timestamp.signature`, every part
// in the cookie-safe alphabet [A-Za-z0-9_-].

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace starling::crypto {

/// URL-safe base64 without padding (RFC 4648 §5).
std::string base64url_encode(std::string_view bytes);
/// nullopt for text outside the alphabet or of an impossible length.
std::optional<std::string> base64url_decode(std::string_view text);

/// HMAC-SHA256 of `message` under `key`: 32 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view message);

/// Signs `payload` for `purpose` (the cookie name: a value signed for one cookie
/// does not verify as another) with `key`, stamped with `now`.
std::string sign(std::string_view key, std::string_view purpose, std::string_view payload,
                 std::chrono::system_clock::time_point now);

struct Verified {
  std::string payload;
  std::chrono::system_clock::time_point signed_at;
};

/// The payload of `token` if one of `keys` signed it for `purpose`; nullopt for
/// anything else (malformed, tampered, another key or purpose). Constant-time
/// comparison of signatures.
std::optional<Verified> verify(const std::vector<std::string_view>& keys, std::string_view purpose,
                               std::string_view token);

}  // namespace starling::crypto

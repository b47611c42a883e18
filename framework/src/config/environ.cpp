#include <starling/config.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace starling {

// constinit: a global Config in another translation unit may read it during static
// initialisation, before any dynamic initialiser of this file would have run.
constinit Environ environ;

namespace {

std::string quoted_key(std::string_view key) { return "environ['" + std::string(key) + "']"; }

}  // namespace

void Environ::mark_read(std::string_view key) const {
  const auto at = std::lower_bound(read_keys_.begin(), read_keys_.end(), key);
  if (at == read_keys_.end() || *at != key) read_keys_.insert(at, std::string(key));
}

void Environ::check_writable(std::string_view key, std::string_view action) const {
  if (std::binary_search(read_keys_.begin(), read_keys_.end(), key))
    throw EnvironError("Attempting to " + std::string(action) + " " + quoted_key(key) +
                       ", but the value has already been read.");
}

std::optional<std::string> Environ::get(std::string_view key) const {
  const std::lock_guard lock(mutex_);
  mark_read(key);
  if (isolated_) {
    const auto found = isolated_->find(std::string(key));
    if (found == isolated_->end()) return std::nullopt;
    return found->second;
  }
  // getenv is only safe against setenv from our own calls, which hold the same mutex.
  if (const char* value = std::getenv(std::string(key).c_str())) return std::string(value);
  return std::nullopt;
}

bool Environ::contains(std::string_view key) const { return get(key).has_value(); }

void Environ::set(std::string_view key, std::string_view value) {
  if (key.empty() || key.find_first_of(std::string_view("=\0", 2)) != std::string_view::npos)
    throw EnvironError("Cannot set " + quoted_key(key) + ": a name must be non-empty, without '=' or NUL");
  const std::lock_guard lock(mutex_);
  check_writable(key, "set");
  if (isolated_) {
    isolated_->insert_or_assign(std::string(key), std::string(value));
    return;
  }
  if (::setenv(std::string(key).c_str(), std::string(value).c_str(), 1) != 0)
    throw EnvironError("Cannot set " + quoted_key(key) + ": " + std::strerror(errno));
}

void Environ::erase(std::string_view key) {
  const std::lock_guard lock(mutex_);
  check_writable(key, "delete");
  if (isolated_) {
    if (const auto found = isolated_->find(std::string(key)); found != isolated_->end()) isolated_->erase(found);
    return;
  }
  ::unsetenv(std::string(key).c_str());
}

}  // namespace starling

#include <starling/convertors.hpp>

#include <cctype>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>

namespace starling {

namespace detail {

struct ConvertorDef {
  std::string_view name;
  bool (*builtin)(std::string_view);
  const std::function<bool(std::string_view)>* custom;
};

}  // namespace detail

namespace {

bool is_integer(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

bool is_str(std::string_view text) { return !text.empty() && text.find('/') == std::string_view::npos; }

bool fits_int64(std::string_view text) { return is_integer(text) && text.size() <= 18; }  // else no match (404)

// Starlette's float convertor: digits with an optional fractional part.
bool is_float(std::string_view text) {
  const auto dot = text.find('.');
  if (dot == std::string_view::npos) return is_integer(text);
  return is_integer(text.substr(0, dot)) && is_integer(text.substr(dot + 1));
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

bool is_any(std::string_view) { return true; }

// Constant-initialised: routes made in static initialisers can use them.
constinit const detail::ConvertorDef kStr{"str", is_str, nullptr};
constinit const detail::ConvertorDef kInteger{"int", fits_int64, nullptr};
constinit const detail::ConvertorDef kFloat{"float", is_float, nullptr};
constinit const detail::ConvertorDef kUuid{"uuid", is_uuid, nullptr};
constinit const detail::ConvertorDef kPath{"path", is_any, nullptr};

// Registered convertors; a deque keeps their addresses stable as it grows.
struct Registry {
  std::mutex mutex;
  std::deque<std::string> names;
  std::deque<std::function<bool(std::string_view)>> functions;
  std::deque<detail::ConvertorDef> defs;
};

Registry& registry() {
  static Registry instance;
  return instance;
}

const detail::ConvertorDef* builtin_named(std::string_view name) {
  for (const auto* def : {&kStr, &kInteger, &kFloat, &kUuid, &kPath})
    if (def->name == name) return def;
  return nullptr;
}

}  // namespace

constinit const Convertor Convertor::str{&kStr};
constinit const Convertor Convertor::integer{&kInteger};
constinit const Convertor Convertor::floating{&kFloat};
constinit const Convertor Convertor::uuid{&kUuid};
constinit const Convertor Convertor::path{&kPath};

std::string_view Convertor::name() const { return def_->name; }

bool Convertor::matches(std::string_view text) const {
  if (def_->custom) return is_str(text) && (*def_->custom)(text);
  return def_->builtin(text);
}

void register_convertor(std::string name, std::function<bool(std::string_view)> matches) {
  if (name.empty() || name.find_first_of("{}:/") != std::string::npos)
    throw std::invalid_argument("register_convertor: '" + name + "' is not a usable convertor name");
  if (!matches) throw std::invalid_argument("register_convertor: convertor '" + name + "' has no match function");
  if (builtin_named(name)) throw std::invalid_argument("register_convertor: '" + name + "' is a built-in convertor");
  auto& reg = registry();
  std::lock_guard lock(reg.mutex);
  for (const auto& def : reg.defs)
    if (def.name == name) throw std::invalid_argument("register_convertor: '" + name + "' is already registered");
  const auto& stored_name = reg.names.emplace_back(std::move(name));
  const auto& stored_fn = reg.functions.emplace_back(std::move(matches));
  reg.defs.push_back({stored_name, nullptr, &stored_fn});
}

Convertor convertor_named(std::string_view name) {
  if (name.empty()) return Convertor::str;
  if (const auto* def = builtin_named(name)) return Convertor(def);
  auto& reg = registry();
  std::lock_guard lock(reg.mutex);
  for (const auto& def : reg.defs)
    if (def.name == name) return Convertor(&def);
  std::string known = "str, int, float, uuid, path";
  for (const auto& def : reg.defs) known += ", " + std::string(def.name);
  throw std::invalid_argument("unknown path convertor '" + std::string(name) + "' (known: " + known + ")");
}

}  // namespace starling

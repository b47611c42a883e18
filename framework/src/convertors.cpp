#include <starling/convertors.hpp>

#include <cctype>
#include <stdexcept>
#include <string>

namespace starling {
namespace {

bool is_integer(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

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

}  // namespace

Convertor convertor_named(std::string_view name) {
  if (name.empty() || name == "str") return Convertor::str;
  if (name == "int") return Convertor::integer;
  if (name == "float") return Convertor::floating;
  if (name == "uuid") return Convertor::uuid;
  if (name == "path") return Convertor::path;
  throw std::invalid_argument("unknown path convertor '" + std::string(name) +
                              "' (expected str, int, float, uuid or path)");
}

bool convertor_matches(Convertor convertor, std::string_view text) {
  switch (convertor) {
    case Convertor::str: return !text.empty() && text.find('/') == std::string_view::npos;
    case Convertor::integer: return is_integer(text) && text.size() <= 18;  // fits int64: else no match (404)
    case Convertor::floating: return is_float(text);
    case Convertor::uuid: return is_uuid(text);
    case Convertor::path: return true;
  }
  return false;
}

std::string_view convertor_name(Convertor convertor) {
  switch (convertor) {
    case Convertor::str: return "str";
    case Convertor::integer: return "int";
    case Convertor::floating: return "float";
    case Convertor::uuid: return "uuid";
    case Convertor::path: return "path";
  }
  return "";
}

}  // namespace starling

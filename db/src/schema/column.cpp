#include <starling/db/column.hpp>

#include <starling/db/expression.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace starling::db {

namespace {

// Actions are written into the DDL as keywords, so only the SQL standard's are accepted.
std::string checked_action(std::string_view action) {
  std::string upper;
  for (const char c : action) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  static constexpr std::array<std::string_view, 5> kActions = {"CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT",
                                                               "NO ACTION"};
  for (const auto known : kActions)
    if (upper == known) return upper;
  throw ProgrammingError("foreign key action \"" + std::string(action) +
                         "\" is not one of CASCADE, SET NULL, SET DEFAULT, RESTRICT, NO ACTION");
}

// Characters, not bytes: VARCHAR(n) counts characters on PostgreSQL.
int utf8_length(std::string_view text) {
  int length = 0;
  for (const char c : text) length += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return length;
}

}  // namespace

Type Enum(std::vector<std::string> choices) {
  if (choices.empty()) throw ProgrammingError("db::Enum needs at least one choice");
  Type type{TypeKind::enum_};
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (choices[i].empty()) throw ProgrammingError("db::Enum choices must not be empty strings");
    if (std::find(choices.begin(), choices.begin() + static_cast<std::ptrdiff_t>(i), choices[i]) !=
        choices.begin() + static_cast<std::ptrdiff_t>(i))
      throw ProgrammingError("db::Enum choice \"" + choices[i] + "\" is given twice");
    type.length = std::max(type.length, utf8_length(choices[i]));
  }
  type.choices = std::move(choices);
  return type;
}

ForeignKey::ForeignKey(std::string_view target) {
  const auto dot = target.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == target.size())
    throw ProgrammingError("foreign key target \"" + std::string(target) + "\" is not \"table.column\"");
  table_ = target.substr(0, dot);
  column_ = target.substr(dot + 1);
}

ForeignKey ForeignKey::on_delete(std::string_view action) const {
  ForeignKey copy = *this;
  copy.on_delete_ = checked_action(action);
  return copy;
}

ForeignKey ForeignKey::on_update(std::string_view action) const {
  ForeignKey copy = *this;
  copy.on_update_ = checked_action(action);
  return copy;
}

ForeignKey foreign_key(std::string_view target) { return ForeignKey(target); }

ForeignKey foreign_key(const ColumnRef& target) { return ForeignKey(target.table_name() + "." + target.name()); }

void Column::validate() const {
  if (name_.empty()) throw ProgrammingError("a column needs a name");
  const auto fail = [&](const std::string& problem) { throw ProgrammingError("column \"" + name_ + "\": " + problem); };
  if (type_.length < 0) fail("String length must not be negative");
  if (type_.precision < 0 || type_.scale < 0) fail("Numeric precision and scale must not be negative");
  if (type_.scale > type_.precision && type_.precision > 0) fail("Numeric scale must not exceed its precision");
  if (type_.scale > 0 && type_.precision == 0) fail("Numeric scale needs a precision");
  // Every insert relying on it would fail the CHECK.
  if (type_.kind == TypeKind::enum_ && default_ && !default_->is_null() &&
      (default_->type() != ValueType::text ||
       std::ranges::find(type_.choices, default_->as<std::string>()) == type_.choices.end()))
    fail("its DEFAULT is not one of the Enum's choices");
}

}  // namespace starling::db

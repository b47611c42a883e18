#pragma once
// When autogenerate counts a live column and a declared one as the same:
// the rules that keep a database made by create_all from showing differences.

#include <starling/db/reflection.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace starling::db::migrations {

/// A DEFAULT expression in a form both databases' spellings reach: outer
/// parentheses and PostgreSQL casts (`'x'::character varying`) gone, keywords
/// upper case, white space collapsed, a quoted number unquoted, NOW() as
/// CURRENT_TIMESTAMP, TRUE/FALSE as 1/0.
std::string normalize_default(std::string_view sql);

/// Whether two DEFAULTs (none = no DEFAULT) are the same after normalize_default.
bool same_default(const std::optional<std::string>& a, const std::optional<std::string>& b);

/// Whether the columns' types are the same on `dialect`: the Starling types
/// their SQL types stand for (or, on SQLite, the same SQL type text).
bool same_type(const ColumnSchema& live, const ColumnSchema& declared, Dialect dialect);

/// `sql` without the parentheses around all of it.
std::string strip_outer_parentheses(std::string_view sql);

}  // namespace starling::db::migrations

#pragma once
// The notes service's tables, as in the reference's app.py.

#include <starling/db/schema.hpp>

namespace notes {

/// Every table of the service: the head revision's schema (`notes db check` compares them).
extern starling::db::MetaData metadata;
/// notes(id, text, completed, created_at); completed is indexed (the list's filter).
extern const starling::db::Table notes;

}  // namespace notes

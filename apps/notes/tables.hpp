#pragma once
// The notes service's tables, as in the reference's app.py.

#include <starling/db/schema.hpp>

namespace notes {

/// Every table of the service: what create_all (and later, migrations) work from.
extern starling::db::MetaData metadata;
/// notes(id, text, completed).
extern const starling::db::Table notes;

}  // namespace notes

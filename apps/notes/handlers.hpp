#pragma once
// The notes service's endpoints: the reference's GET/POST /notes, what a real
// notes service adds (one note, PUT/PATCH/DELETE, filters, /health), and the
// reference's three transaction forms as endpoints that insert and then fail.

#include <starling/db/database.hpp>
#include <starling/routing.hpp>

namespace notes {

/// Every route of the service, working on `database`.
starling::Routes routes(starling::db::Database& database);

}  // namespace notes

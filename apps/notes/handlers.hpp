#pragma once
// The notes service's endpoints: the reference's GET/POST /notes, what a real
// notes service adds (one note, PUT/PATCH/DELETE, filters, /health), and the
// reference's three transaction forms as endpoints that insert and then fail.

#include "live.hpp"

#include <starling/db/database.hpp>
#include <starling/routing.hpp>

#include <filesystem>

namespace notes {

/// Every route of the service, working on `database`, telling `live` pages of
/// each change, and serving the web page from `static_dir`; each declares its
/// body, query parameters and answers (checked, and shown by /openapi.json),
/// writes the bearer token when `writes_need_token`.
starling::Routes routes(starling::db::Database& database, LiveNotes& live, const std::filesystem::path& static_dir,
                        bool writes_need_token);

}  // namespace notes

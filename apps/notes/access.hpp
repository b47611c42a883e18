#pragma once
// Who may change notes, and from where requests come: with NOTES_API_TOKEN set,
// writes need `Authorization: Bearer <token>` (reads stay open); behind a
// proxy, FORWARDED_ALLOW_IPS names the proxies whose X-Forwarded-* are believed.

#include "settings.hpp"

#include <starling/authentication.hpp>
#include <starling/types.hpp>

#include <vector>

namespace notes {

/// The scope a request needs to change notes.
inline constexpr const char* kWriteScope = "notes:write";

/// The app's middleware for these settings: request ids, proxy headers, then authentication.
std::vector<starling::Middleware> access_middleware(const Settings& settings);

/// `endpoint` (the metrics), answering 401 with `WWW-Authenticate: Bearer` to a
/// request without the API token when one is set; open when none is.
starling::Handler metrics_reader(starling::Handler endpoint);

/// `endpoint`, answering 401 with `WWW-Authenticate: Bearer` to a request
/// without the write scope.
starling::Handler writer(starling::Handler endpoint);

}  // namespace notes

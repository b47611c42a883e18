#pragma once
/// @file middleware.hpp
/// Starlette's built-in middleware: authentication, CORS, GZip, HTTPS redirect,
/// proxy headers, sessions and TrustedHost; and request ids for the logs.
/// Each is a class whose instances convert to `Middleware`:
///
///     App app({.routes = {...},
///              .middleware = {CORSMiddleware({.allow_origins = {"https://example.org"}}),
///                             GZipMiddleware({.minimum_size = 500})}});

#include <starling/middleware/authentication.hpp>
#include <starling/middleware/cors.hpp>
#include <starling/middleware/gzip.hpp>
#include <starling/middleware/https_redirect.hpp>
#include <starling/middleware/proxy_headers.hpp>
#include <starling/middleware/request_id.hpp>
#include <starling/middleware/sessions.hpp>
#include <starling/middleware/trusted_host.hpp>

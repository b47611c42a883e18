#pragma once
/// @file middleware.hpp
/// Starlette's built-in middleware: CORS, GZip and TrustedHost.
/// Each is a class whose instances convert to `Middleware`:
///
///     App app({.routes = {...},
///              .middleware = {CORSMiddleware({.allow_origins = {"https://example.org"}}),
///                             GZipMiddleware({.minimum_size = 500})}});

#include <starling/middleware/cors.hpp>
#include <starling/middleware/gzip.hpp>
#include <starling/middleware/trusted_host.hpp>

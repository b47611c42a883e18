#pragma once
/// @file starling.hpp
/// Everything a Starling web app needs: App, Route, Request, responses, Config.

#include <starling/application.hpp>
#include <starling/authentication.hpp>
#include <starling/background.hpp>
#include <starling/config.hpp>
#include <starling/datastructures.hpp>
#include <starling/exceptions.hpp>
#include <starling/gather.hpp>
#include <starling/logging.hpp>
#include <starling/middleware.hpp>
#include <starling/request.hpp>
#include <starling/responses.hpp>
#include <starling/routing.hpp>
#include <starling/server.hpp>
#include <starling/staticfiles.hpp>
#include <starling/types.hpp>

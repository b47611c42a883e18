#pragma once
/// @file async.hpp
/// The coroutine type of the database API: every query is `co_await`ed.

#include <boost/asio/awaitable.hpp>

namespace starling::db {

/// A coroutine result (the same template as starling::awaitable).
using boost::asio::awaitable;

}  // namespace starling::db

#pragma once
// The benchmark's tables, created and filled on a fresh database.

#include <starling/db/url.hpp>

namespace techempower {

/// Creates `world` (10,000 rows, randomNumber 1..10,000) and `fortune` (the 12
/// standard rows) unless they are there and whole. @throws db::Error.
void seed(const starling::db::DatabaseURL& url);

}  // namespace techempower

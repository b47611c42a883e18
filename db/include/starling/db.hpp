#pragma once
/// @file db.hpp
/// Everything of the database layer: `#include <starling/db.hpp>` and
/// `namespace db = starling::db;`.

#include <starling/db/async.hpp>
#include <starling/db/autogenerate.hpp>
#include <starling/db/column.hpp>
#include <starling/db/connection.hpp>
#include <starling/db/database.hpp>
#include <starling/db/ddl.hpp>
#include <starling/db/errors.hpp>
#include <starling/db/expression.hpp>
#include <starling/db/migrations.hpp>
#include <starling/db/query.hpp>
#include <starling/db/reflection.hpp>
#include <starling/db/row.hpp>
#include <starling/db/schema.hpp>
#include <starling/db/statement.hpp>
#include <starling/db/testing.hpp>
#include <starling/db/text.hpp>
#include <starling/db/transaction.hpp>
#include <starling/db/typed_rows.hpp>
#include <starling/db/url.hpp>
#include <starling/db/value.hpp>

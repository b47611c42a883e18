#pragma once
// Values to and from PostgreSQL's text format (libpq results), and server errors to db::Error.

#include <starling/db/row.hpp>

#include <optional>
#include <string>
#include <vector>

struct pg_result;  // libpq's PGresult

namespace starling::db::backend::postgres {

/// Text-format parameters (nullopt is NULL). @throws DataError for text with a
/// NUL character, which PostgreSQL cannot store (naming the parameter's position).
std::vector<std::optional<std::string>> to_parameters(const std::vector<Value>& params);

/// Every row of a result, each value typed by its column's type OID.
std::vector<Row> read_rows(const pg_result* result, const Columns& columns);
Columns column_names(const pg_result* result);
/// Whether `columns` names exactly the result's columns (a cached list can be reused).
bool same_columns(const pg_result* result, const Columns& columns);

/// Throws the db::Error for a server error with `details.sqlstate` and this
/// message; `broken` is set when the connection can no longer be used. The
/// error keeps the server's first line, never the bound values.
[[noreturn]] void throw_for_state(const std::string& message, ErrorDetails details, bool& broken);

}  // namespace starling::db::backend::postgres

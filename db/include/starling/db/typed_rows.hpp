#pragma once
/// @file typed_rows.hpp
/// Rows as structs, described once with Boost.Describe:
///
///     struct Note {
///       std::int64_t id;
///       std::string text;
///       bool completed;
///       std::optional<std::string> owner;     // a nullable column
///     };
///     BOOST_DESCRIBE_STRUCT(Note, (), (id, text, completed, owner))
///
///     auto notes = co_await database.fetch_all<Note>(query);   // std::vector<Note>
///     co_return JSONResponse(notes);                           // {"id": ..., "text": ...}
///
/// Each member is read from the column of its name (a missing column is a
/// ProgrammingError naming it; a value that does not fit, a TypeError naming
/// it); extra columns are ignored. Members are what Value::as reads (bool,
/// integers, floating types, std::string, Blob, std::chrono::sys_time,
/// year_month_day, std::optional of those), nlohmann::json (a JSON column) or
/// an enum described with BOOST_DESCRIBE_ENUM, stored as its enumerator's name
/// (the column `db::Enum(db::choices_of<Status>())`).
/// A described struct also converts to JSON, members in declared order, times
/// as RFC 3339 text ("2026-12-07T10:30:00Z"), where <nlohmann/json.hpp> is
/// included (this header only declares the conversion).

#include <starling/db/connection.hpp>
#include <starling/db/errors.hpp>
#include <starling/db/row.hpp>

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>
#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace starling::db {

/// A struct described with BOOST_DESCRIBE_STRUCT (public data members).
template <class T>
concept DescribedStruct = std::is_class_v<T> && boost::describe::has_describe_members<T>::value;

/// An enum described with BOOST_DESCRIBE_ENUM: a member of a typed row, held in
/// the column as its enumerator's name.
template <class T>
concept DescribedEnum = std::is_enum_v<T> && boost::describe::has_describe_enumerators<T>::value;

/// The enumerators' names, in declared order, as an Enum column's choices:
/// `db::Column("status", db::Enum(db::choices_of<Status>()))`.
template <DescribedEnum E>
std::vector<std::string> choices_of() {
  std::vector<std::string> names;
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto each) { names.emplace_back(each.name); });
  return names;
}

/// The enumerator's name, to bind: `.values({{"status", db::enum_name(Status::draft)}})`.
/// @throws TypeError for a value that is no enumerator of `E`.
template <DescribedEnum E>
std::string enum_name(E value);

namespace detail {

// @throws TypeError naming `where` and the enumerators.
[[noreturn]] void not_an_enumerator(std::string_view where, const std::vector<std::string>& names);

// The enumerator of that name. @throws TypeError naming `where` (never the value).
template <DescribedEnum E>
E enumerator_named(std::string_view name, std::string_view where) {
  std::optional<E> found;
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto each) {
    if (!found && name == each.name) found = each.value;
  });
  if (!found) not_an_enumerator(where, choices_of<E>());
  return *found;
}

// A type with a to_json of its own (found by ADL) keeps it.
template <class T>
concept HasOwnToJson = requires(nlohmann::json& json, const T& value) {
  to_json(json, value);
};

template <class T>
struct is_optional_member : std::false_type {};
template <class T>
struct is_optional_member<std::optional<T>> : std::true_type {};
template <class T>
concept OptionalEnum = is_optional_member<T>::value && DescribedEnum<typename T::value_type>;
template <class T>
struct is_time_member : std::false_type {};
template <class Duration>
struct is_time_member<std::chrono::sys_time<Duration>> : std::true_type {};

// "2026-12-07T10:30:00Z", with the fraction a finer duration carries when it is not zero.
std::string rfc3339(std::chrono::sys_time<std::chrono::microseconds> time);
// "2026-12-07".
std::string iso_date(std::chrono::year_month_day date);
// @throws ProgrammingError naming `column` and listing the row's columns.
[[noreturn]] void missing_member_column(const Row& row, std::string_view column);

// A JSON column's document; a template so that nlohmann::json need only be
// complete where a struct has such a member.
template <class Json, class V>
Json document_of(const V& value) {
  return value.to_json();
}

template <class M>
M read_member(const Row& row, const char* column) {
  if (!row.contains(column)) missing_member_column(row, column);
  if constexpr (std::is_same_v<M, nlohmann::json>) {
    return document_of<M>(row[column]);
  } else if constexpr (DescribedEnum<M>) {
    return enumerator_named<M>(row.get<std::string>(column), "the value of column '" + std::string(column) + "'");
  } else if constexpr (OptionalEnum<M>) {
    if (row[column].is_null()) return std::nullopt;
    return read_member<typename M::value_type>(row, column);
  } else {
    return row.get<M>(column);
  }
}

template <class Json, class M>
Json member_json(const M& member) {
  if constexpr (is_optional_member<M>::value) {
    return member ? member_json<Json>(*member) : Json(nullptr);
  } else if constexpr (is_time_member<M>::value) {
    return Json(rfc3339(std::chrono::floor<std::chrono::microseconds>(member)));
  } else if constexpr (std::is_same_v<M, std::chrono::year_month_day>) {
    return Json(iso_date(member));
  } else if constexpr (DescribedEnum<M>) {
    return Json(enum_name(member));
  } else {
    return Json(member);
  }
}

template <class M, class Json>
M member_from_json(const Json& json, const char* name) {
  if constexpr (is_optional_member<M>::value) {
    if (json.is_null()) return std::nullopt;
    return member_from_json<typename M::value_type>(json, name);
  } else if constexpr (is_time_member<M>::value || std::is_same_v<M, std::chrono::year_month_day>) {
    return Value(json.template get<std::string>()).template as<M>("JSON member '" + std::string(name) + "'");
  } else if constexpr (DescribedEnum<M>) {
    return enumerator_named<M>(json.template get<std::string>(), "JSON member '" + std::string(name) + "'");
  } else {
    return json.template get<M>();
  }
}

}  // namespace detail

template <DescribedEnum E>
std::string enum_name(E value) {
  const char* name = nullptr;
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto each) {
    if (name == nullptr && value == each.value) name = each.name;
  });
  if (name == nullptr)
    detail::not_an_enumerator("enum value " + std::to_string(+static_cast<std::underlying_type_t<E>>(value)),
                              choices_of<E>());
  return name;
}

/// `row` as a `T`, each member from the column of its name.
/// @throws ProgrammingError naming a missing column; TypeError naming a column whose value does not fit.
template <DescribedStruct T>
T from_row(const Row& row) {
  T object{};
  boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>([&](auto member) {
    using Member = std::remove_cvref_t<decltype(object.*member.pointer)>;
    object.*member.pointer = detail::read_member<Member>(row, member.name);
  });
  return object;
}

template <class T>
awaitable<std::vector<T>> Queryable::fetch_all(const Statement& query) {
  const auto rows = co_await fetch_all(query);
  std::vector<T> objects;
  objects.reserve(rows.size());
  for (const auto& row : rows) objects.push_back(from_row<T>(row));
  co_return objects;
}

template <class T>
awaitable<std::optional<T>> Queryable::fetch_one(const Statement& query) {
  const auto row = co_await fetch_one(query);
  if (!row) co_return std::nullopt;
  co_return from_row<T>(*row);
}

}  // namespace starling::db

namespace nlohmann {

/// JSON for a described struct without a to_json of its own: `nlohmann::json j = note;`,
/// members in declared order (within nlohmann::ordered_json; nlohmann::json sorts keys),
/// and back: `json.get<Note>()` (a missing key is nlohmann's out_of_range, but for an
/// optional member, which is then empty).
template <class T>
requires starling::db::DescribedStruct<T> &&(!starling::db::detail::HasOwnToJson<T>)struct adl_serializer<T> {
  template <class Json>
  static void to_json(Json& json, const T& object) {
    json = Json::object();
    boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>(
        [&](auto member) { json[member.name] = starling::db::detail::member_json<Json>(object.*member.pointer); });
  }

  template <class Json>
  static void from_json(const Json& json, T& object) {
    boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>([&](auto member) {
      using Member = std::remove_cvref_t<decltype(object.*member.pointer)>;
      if constexpr (starling::db::detail::is_optional_member<Member>::value) {
        const auto found = json.find(member.name);
        object.*member.pointer =
            found == json.end() ? Member() : starling::db::detail::member_from_json<Member>(*found, member.name);
      } else {
        object.*member.pointer = starling::db::detail::member_from_json<Member>(json.at(member.name), member.name);
      }
    });
  }
};

}  // namespace nlohmann

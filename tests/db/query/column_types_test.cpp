// UUID, date, time (with and without zone), enum and exact numeric columns on
// every backend: the DDL, values stored and compared alike on both (a UUID
// lower-cased, an instant in UTC, a decimal rounded to its scale), bad values
// refused naming the column, and autogenerate seeing no difference after create_all.
#include <starling/db.hpp>

#include "support/error_message.hpp"
#include "support/test_databases.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace starling::db {
namespace {

using test::run;
using namespace std::chrono;

class ColumnTypes : public test::ConnectedDatabaseTest {
 protected:
  void SetUp() override {
    ConnectedDatabaseTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    run(metadata_.create_all(database()));
  }

  MetaData metadata_;
  Table events_{"events",
                metadata_,
                {Column("id", Integer, primary_key), Column("uid", Uuid, unique), Column("at", DateTime(with_timezone)),
                 Column("local", DateTime), Column("doc", JSON),
                 Column("status", Enum({"draft", "published", "it's"}), default_("draft")),
                 Column("price", Numeric(8, 2)), Column("amount", Numeric), Column("day", Date)}};
};

TEST_P(ColumnTypes, TheDdlNamesEachType) {
  const auto sql = create_statements(metadata_, database().dialect()).front();
  if (is_postgres())
    EXPECT_NE(sql.find("\"uid\" UUID UNIQUE, \"at\" TIMESTAMP WITH TIME ZONE, \"local\" TIMESTAMP"), std::string::npos)
        << sql;
  else
    EXPECT_NE(sql.find("\"uid\" UUID UNIQUE, \"at\" TIMESTAMPTZ, \"local\" DATETIME"), std::string::npos) << sql;
  EXPECT_NE(sql.find("\"status\" VARCHAR(9) DEFAULT 'draft' CHECK (\"status\" IN ('draft', 'published', 'it''s'))"),
            std::string::npos)
      << sql;
  EXPECT_NE(sql.find("\"price\" NUMERIC(8, 2), \"amount\" NUMERIC"), std::string::npos) << sql;
}

TEST_P(ColumnTypes, AnEnumTakesOnlyItsChoicesInTheBuilderAndInTheDatabase) {
  run(database().execute(events_.insert().values({{"status", "it's"}})));
  run(database().execute(events_.insert().values({{"id", 2}})));
  const auto rows = run(database().fetch_all(select({events_.c("status")}).order_by(events_.c("id"))));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["status"], Value("it's"));
  EXPECT_EQ(rows[1]["status"], Value("draft"));
  EXPECT_EQ(test::error_of<DataError>([&] {
              (void)events_.insert().values({{"status", "archived"}});
            }),
            "column \"events\".\"status\" takes one of 'draft', 'published', 'it's'; the value given is not one "
            "of them");
  EXPECT_THROW((void)events_.update().set("status", "Draft"), DataError);  // case counts
  EXPECT_THROW((void)events_.update().set("status", 1), DataError);
  // SQL the builder never saw meets the CHECK.
  EXPECT_THROW(run(database().execute(text("UPDATE events SET status = 'archived'"))), IntegrityError);
  EXPECT_EQ(run(database().fetch_val(select({count()}).where(events_.c("status") == "archived"))), Value(0));
}

TEST_P(ColumnTypes, ANumericIsRoundedToItsScaleAndKeptExactOnBothBackends) {
  const std::vector<Values> rows = {
      {{"id", 1}, {"price", "12.345"}, {"amount", Decimal{"9007199254740993"}}},  // 2^53 + 1
      {{"id", 2}, {"price", Decimal{"1.005"}}, {"amount", "0.1"}},                // halves away from zero
      {{"id", 3}, {"price", 7}, {"amount", -2.5}},
      {{"id", 4}, {"price", " -0.004 "}, {"amount", "1e3"}},
      {{"id", 5}, {"price", Decimal{"9.995"}}, {"amount", 0.1 + 0.2}},  // a computed double, as it is
  };
  run(database().execute_many(events_.insert(), rows));
  const auto read =
      run(database().fetch_all(select({events_.c("price"), events_.c("amount")}).order_by(events_.c("id"))));
  std::vector<std::string> prices;
  std::vector<std::string> amounts;
  for (const auto& row : read) {
    prices.push_back(row.get<std::string>("price"));
    amounts.push_back(row.get<std::string>("amount"));
  }
  EXPECT_EQ(prices, (std::vector<std::string>{"12.35", "1.01", "7.00", "0.00", "10.00"}));
  EXPECT_EQ(amounts, (std::vector<std::string>{"9007199254740993", "0.1", "-2.5", "1000", "0.30000000000000004"}));
  // Compared as numbers, not text.
  EXPECT_EQ(run(database().fetch_val(select({count()}).where(events_.c("price") > Decimal{"6.5"}))), Value(3));
}

TEST_P(ColumnTypes, ANumericThatDoesNotFitIsRefusedNamingTheColumn) {
  // NUMERIC(8, 2): six digits before the point.
  EXPECT_EQ(test::error_of<DataError>([&] {
              (void)events_.insert().values({{"price", "1234567.8"}});
            }),
            "column \"events\".\"price\" is NUMERIC(8, 2), with room for 6 digits before the point; the value "
            "given has more");
  EXPECT_THROW((void)events_.insert().values({{"price", "999999.995"}}), DataError);  // rounds up to seven
  EXPECT_THROW((void)events_.insert().values({{"price", "twelve"}}), DataError);
  EXPECT_THROW((void)events_.insert().values({{"price", std::nan("")}}), DataError);
  // Twenty significant digits fit PostgreSQL's NUMERIC; SQLite's would round them.
  const auto insert = events_.insert().values({{"amount", Decimal{"12345678901234567.891"}}});
  if (is_postgres()) {
    run(database().execute(insert));
    EXPECT_EQ(run(database().fetch_val(select({events_.c("amount")}))), Value(Decimal{"12345678901234567.891"}));
  } else {
    EXPECT_THROW(run(database().execute(insert)), DataError);
    EXPECT_EQ(run(database().fetch_val(events_.select().count())), Value(0));
  }
}

TEST_P(ColumnTypes, AUuidIsStoredLowerCaseOnBothBackends) {
  run(database().execute(events_.insert().values({{"uid", "123E4567-E89B-12D3-A456-426614174000"}})));
  const auto uid = run(database().fetch_val(select({events_.c("uid")}), "uid"));
  EXPECT_EQ(uid, Value("123e4567-e89b-12d3-a456-426614174000"));
  // And found by it, whatever the case it is asked in (the builder binds it as stored).
  const auto found =
      run(database().fetch_all(events_.select().where(events_.c("uid") == "123e4567-e89b-12d3-a456-426614174000")));
  EXPECT_EQ(found.size(), 1u);
  // set() checks and lower-cases as values() does.
  run(database().execute(events_.update().set("uid", "AAAAAAAA-E89B-12D3-A456-426614174000")));
  EXPECT_EQ(run(database().fetch_val(select({events_.c("uid")}))), Value("aaaaaaaa-e89b-12d3-a456-426614174000"));
  EXPECT_THROW((void)events_.update().set("uid", "nope"), DataError);
}

TEST_P(ColumnTypes, ATimeWithAnOffsetIsStoredAsTheSameInstantInUtc) {
  run(database().execute(events_.insert().values({{"at", "2026-12-07T12:30:00+02:00"}})));
  run(database().execute(events_.insert().values({{"at", sys_days(2026y / 12 / 7) + 10h + 45min}})));
  const auto rows = run(database().fetch_all(select({events_.c("at")}).order_by(events_.c("id"))));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].get<sys_seconds>("at"), sys_days(2026y / 12 / 7) + 10h + 30min);
  EXPECT_EQ(rows[1].get<sys_seconds>("at"), sys_days(2026y / 12 / 7) + 10h + 45min);
  // Compared as instants in SQL too.
  const auto later = run(
      database().fetch_all(select({events_.c("id")}).where(events_.c("at") > sys_days(2026y / 12 / 7) + 10h + 40min)));
  EXPECT_EQ(later.size(), 1u);
}

TEST_P(ColumnTypes, AUuidIsComparedInTheFormStoredWhateverTheCaseItIsAskedIn) {
  const auto uid = events_.c("uid");
  run(database().execute(events_.insert().values({{"uid", "123e4567-e89b-12d3-a456-426614174000"}})));
  const std::string upper = "123E4567-E89B-12D3-A456-426614174000";
  EXPECT_EQ(run(database().fetch_all(events_.select().where(uid == upper))).size(), 1u);
  EXPECT_EQ(run(database().fetch_all(events_.select().where(uid.in_({Value(upper)})))).size(), 1u);
  EXPECT_EQ(run(database().fetch_all(events_.select().where(uid != upper))).size(), 0u);
  EXPECT_THROW((void)(uid == "not-a-uuid"), DataError);  // PostgreSQL refuses it too: now both do, before SQL
}

TEST_P(ColumnTypes, ATimeComparedWithTextWithAnOffsetIsComparedAsThatInstant) {
  const auto at = events_.c("at");
  run(database().execute(events_.insert().values({{"at", sys_days(2026y / 12 / 7) + 10h + 30min}})));
  EXPECT_EQ(run(database().fetch_all(events_.select().where(at == "2026-12-07T12:30:00+02:00"))).size(), 1u);
  EXPECT_EQ(run(database().fetch_all(events_.select().where(at == "2026-12-07 10:30:00Z"))).size(), 1u);
  EXPECT_EQ(run(database().fetch_all(events_.select().where(at.between("2026-12-07T11:00+01", "2026-12-07T11:31+01"))))
                .size(),
            1u);
  EXPECT_EQ(run(database().fetch_all(events_.select().where(at > "2026-12-07T12:31:00+02:00"))).size(), 0u);
}

TEST_P(ColumnTypes, ATimeWithoutZoneIsStoredInOneFormAndRefusesAnOffset) {
  const auto local = events_.c("local");
  run(database().execute(events_.insert().values({{"local", "2026-12-07T10:30"}})));
  run(database().execute(events_.insert().values({{"local", sys_days(2026y / 12 / 7) + 10h + 30min + 250ms}})));
  // Read back as the same text on both backends, a whole second without a fraction.
  const auto rows = run(database().fetch_all(select({local}).order_by(events_.c("id"))));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["local"], Value("2026-12-07 10:30:00"));
  EXPECT_EQ(rows[1].get<sys_time<milliseconds>>("local"), sys_days(2026y / 12 / 7) + 10h + 30min + 250ms);
  // Compared alike whichever way the time is written.
  EXPECT_EQ(run(database().fetch_val(select({events_.c("id")}).where(local == sys_days(2026y / 12 / 7) + 10h + 30min))),
            Value(1));
  EXPECT_EQ(run(database().fetch_val(select({events_.c("id")}).where(local > "2026-12-07 10:30:00"))), Value(2));
  // PostgreSQL would drop an offset and SQLite keep it: both refuse it, naming the column.
  const auto offset_refused = test::error_of<DataError>([&] {
    (void)events_.insert().values({{"local", "2026-12-07T10:30:00+02:00"}});
  });
  EXPECT_NE(offset_refused.find("\"events\".\"local\" takes a date and time without zone"), std::string::npos)
      << offset_refused;
  EXPECT_THROW((void)events_.insert().values({{"local", "yesterday"}}), DataError);
  EXPECT_THROW((void)(local < "2026-12-07Z"), DataError);
}

TEST_P(ColumnTypes, ADateIsCheckedAndComparedAlikeOnBothBackends) {
  const auto day = events_.c("day");
  run(database().execute(events_.insert().values({{"day", "2026-12-07"}})));
  run(database().execute(events_.insert().values({{"day", 2026y / 12 / 24}})));
  EXPECT_EQ(run(database().fetch_val(select({events_.c("id")}).where(day == 2026y / 12 / 7))), Value(1));
  EXPECT_EQ(run(database().fetch_val(select({events_.c("id")}).where(day > "2026-12-08"))), Value(2));
  EXPECT_EQ(run(database().fetch_val(select({day}).where(events_.c("id") == 2))).as<year_month_day>(), 2026y / 12 / 24);
  // A std::chrono::sys_days binds as midnight, and a time of day is dropped, as PostgreSQL drops it.
  EXPECT_EQ(run(database().fetch_val(select({events_.c("id")}).where(day == sys_days(2026y / 12 / 24)))), Value(2));
  run(database().execute(events_.insert().values({{"day", "2026-12-31 23:30"}})));
  EXPECT_EQ(run(database().fetch_val(select({day}).where(events_.c("id") == 3))), Value("2026-12-31"));
  // SQLite would store any text; PostgreSQL would refuse it in SQL. The builder refuses it on both.
  EXPECT_EQ(test::error_of<DataError>([&] {
              (void)events_.insert().values({{"day", "yesterday"}});
            }),
            "column \"events\".\"day\" takes a date (ISO 8601, YYYY-MM-DD, a time of day without zone is "
            "dropped); the value given is not one");
  EXPECT_THROW((void)events_.update().values({{"day", "2026-02-30"}}), DataError);
  EXPECT_THROW((void)day.in_({Value("2026-12-07"), Value("soon")}), DataError);
  EXPECT_THROW((void)(day == "2026-12-07T23:30:00+02:00"), DataError);  // which day is it?
}

TEST_P(ColumnTypes, JsonTextReadsAPathInsideADocumentAlikeOnBothBackends) {
  const auto doc = events_.c("doc");
  run(database().execute(events_.insert().values(
      {{"doc",
        JsonText{R"({"status": "open", "tags": ["urgent", "home"], "size": 3, "done": true, "gone": null})"}}})));
  run(database().execute(events_.insert().values({{"doc", JsonText{R"({"status": "closed"})"}}})));
  const auto row = run(database().fetch_one(
      select({json_text(doc, {"status"}).label("status"), json_text(doc, {"tags", 0}).label("first_tag"),
              json_text(doc, {"size"}).label("size"), json_text(doc, {"done"}).label("done"),
              json_text(doc, {"gone"}).label("gone"), json_text(doc, {"missing", "deeper"}).label("missing")})
          .where(events_.c("id") == 1)));
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ((*row)["status"], Value("open"));
  EXPECT_EQ((*row)["first_tag"], Value("urgent"));
  EXPECT_EQ((*row)["size"], Value("3"));
  EXPECT_EQ((*row)["done"], Value("true"));
  EXPECT_TRUE((*row)["gone"].is_null());
  EXPECT_TRUE((*row)["missing"].is_null());
  EXPECT_EQ(run(database().fetch_val(select({events_.c("id")}).where(json_text(doc, {"status"}) == "closed"))),
            Value(2));
  EXPECT_THROW((void)json_text(doc, {}), ProgrammingError);
}

TEST_P(ColumnTypes, ABadValueIsADataErrorNamingTheColumnNotTheValue) {
  EXPECT_EQ(test::error_of<DataError>([&] {
              (void)events_.insert().values({{"uid", "not-a-uuid-secret"}});
            }),
            "column \"events\".\"uid\" takes a UUID (8-4-4-4-12 hex digits); the value given is not one");
  EXPECT_THROW((void)events_.update().values({{"at", "yesterday"}}), DataError);
  const std::vector<Values> rows = {{{"uid", "123e4567-e89b-12d3-a456-426614174000"}}, {{"uid", 42}}};
  EXPECT_THROW(run(database().execute_many(events_.insert(), rows)), DataError);
  EXPECT_EQ(run(database().fetch_val(events_.select().count())), Value(0));  // nothing half-written
}

TEST_P(ColumnTypes, AutogenerateSeesNoDifferenceAfterCreateAll) {
  if (is_memory()) GTEST_SKIP() << "compare_metadata opens a connection of its own";
  const auto differences = compare_metadata(url(), metadata_);
  for (const auto& difference : differences) ADD_FAILURE() << difference.description;
}

INSTANTIATE_TEST_SUITE_P(Backends, ColumnTypes, ::testing::ValuesIn(test::database_backends()));

}  // namespace
}  // namespace starling::db

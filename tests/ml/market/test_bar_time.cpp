#include <catch2/catch.hpp>

#include "ml/market/bar.hpp"
#include "ml/market/calendar.hpp"

using namespace mlt::ml;

TEST_CASE("dates round-trip through the epoch without depending on the time zone", "[market][time]") {
  struct row {
    const char* text;
    std::int64_t epoch;
  };
  // Reference values from `date -u -d ... +%s`.
  const row rows[] = {
      {"1970-01-01", 0},
      {"2000-02-29", 951782400},
      {"2024-12-31", 1735603200},
      {"1969-12-31", -86400},
      {"2100-03-01", 4107542400},
  };
  for (const auto& r : rows) {
    std::int64_t t = -1;
    REQUIRE(parse_datetime(r.text, t));
    CHECK(t == r.epoch);
    CHECK(format_date(t) == r.text);
  }
}

TEST_CASE("date-times parse with a space or a T and optional seconds", "[market][time]") {
  std::int64_t t = 0;
  REQUIRE(parse_datetime("2006-01-02 09:01:00", t));
  CHECK(t == 1136192460);
  CHECK(format_datetime(t) == "2006-01-02 09:01:00");
  REQUIRE(parse_datetime("2006-01-02T09:01", t));
  CHECK(t == 1136192460);
  REQUIRE(parse_datetime("2006-01-02T09:01:00Z", t));
  CHECK(t == 1136192460);
  REQUIRE(parse_datetime("2006-01-02 09:01:00.250", t));
  CHECK(t == 1136192460);
}

TEST_CASE("malformed dates are rejected", "[market][time]") {
  std::int64_t t = 0;
  for (const char* bad : {"", "2024", "2024-13-01", "2023-02-29", "2024-02-30", "2024-1-01",
                          "2024-01-01 25:00", "2024-01-01 10:61", "2024-01-01x", "01/02/2024",
                          "2024-01-01 10", "2024-01-01 10:00:00."}) {
    INFO(bad);
    CHECK_FALSE(parse_datetime(bad, t));
  }
}

TEST_CASE("every day from 1900 to 2200 survives civil conversion both ways", "[market][time]") {
  std::int64_t first = days_from_civil(1900, 1, 1), last = days_from_civil(2200, 12, 31);
  int prev_dow = weekday(first - 1);
  for (std::int64_t d = first; d <= last; ++d) {
    civil_time c = civil_from_time(d * seconds_per_day);
    REQUIRE(days_from_civil(c.year, c.month, c.day) == d);
    int dow = weekday(d);
    REQUIRE(dow == (prev_dow + 1) % 7);
    prev_dow = dow;
  }
  CHECK(weekday(days_from_civil(2024, 12, 31)) == 2);  // a Tuesday
}

TEST_CASE("the business calendar is the NYSE's: floating holidays, observed days, closures", "[market][time]") {
  CHECK_FALSE(is_business_day(days_from_civil(2015, 4, 3)));    // Good Friday
  CHECK_FALSE(is_business_day(days_from_civil(2024, 1, 15)));   // Martin Luther King Jr. Day (Monday)
  CHECK_FALSE(is_business_day(days_from_civil(2023, 11, 23)));  // Thanksgiving
  CHECK_FALSE(is_business_day(days_from_civil(2012, 10, 29)));  // Hurricane Sandy
  CHECK_FALSE(is_business_day(days_from_civil(2012, 10, 30)));
  CHECK_FALSE(is_business_day(days_from_civil(2022, 6, 20)));   // Juneteenth observed (Sunday the 19th)
  CHECK(is_business_day(days_from_civil(2015, 4, 2)));
  CHECK(is_business_day(days_from_civil(2012, 10, 31)));
  CHECK(is_business_day(days_from_civil(1890, 1, 2)));  // before QuantLib's range: weekdays trade
}

TEST_CASE("the business calendar skips weekends and fixed holidays", "[market][time]") {
  CHECK_FALSE(is_business_day(days_from_civil(2024, 12, 25)));
  CHECK_FALSE(is_business_day(days_from_civil(2024, 12, 28)));  // Saturday
  CHECK(is_business_day(days_from_civil(2024, 12, 31)));
  CHECK_FALSE(is_business_day(days_from_civil(2021, 7, 5)));  // July 4th on a Sunday
  CHECK(business_days_between(days_from_civil(2024, 12, 27), days_from_civil(2024, 12, 30)) == 0);
}

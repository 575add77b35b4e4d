#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "config/cron.hpp"

using namespace mlt::config;

namespace {

/// Seconds since the epoch for a UTC wall-clock time.
std::int64_t utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

}  // namespace

TEST_CASE("civil date arithmetic round-trips across leap years and the epoch") {
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(2000, 3, 1) == 11017);
  CHECK(days_from_civil(1969, 12, 31) == -1);
  for (std::int64_t d = -800; d < 30000; d += 7) {
    int y = 0, m = 0, dd = 0;
    civil_from_days(d, y, m, dd);
    CHECK(days_from_civil(y, m, dd) == d);
  }
}

TEST_CASE("cron next fire times match hand-computed cases") {
  struct row {
    const char* expr;
    const char* zone;
    std::int64_t after;
    std::int64_t expect;  // -1 = never within 5 years
  };
  const std::vector<row> rows = {
      // every minute: strictly after, so from an exact minute the next one
      {"* * * * *", "UTC", utc(2026, 1, 1, 10, 0, 0), utc(2026, 1, 1, 10, 1, 0)},
      {"* * * * *", "UTC", utc(2026, 1, 1, 10, 0, 30), utc(2026, 1, 1, 10, 1, 0)},
      // steps and ranges
      {"*/15 * * * *", "UTC", utc(2026, 1, 1, 10, 7), utc(2026, 1, 1, 10, 15)},
      {"*/15 * * * *", "UTC", utc(2026, 1, 1, 10, 45), utc(2026, 1, 1, 11, 0)},
      {"1-10/2 * * * *", "UTC", utc(2026, 1, 1, 10, 3), utc(2026, 1, 1, 10, 5)},
      {"1-10/2 * * * *", "UTC", utc(2026, 1, 1, 10, 9), utc(2026, 1, 1, 11, 1)},
      {"5,35 9-17 * * *", "UTC", utc(2026, 1, 1, 17, 35), utc(2026, 1, 2, 9, 5)},
      {"0 22 * * 1-5", "UTC", utc(2026, 1, 2, 23, 0), utc(2026, 1, 5, 22, 0)},  // Fri night -> Mon
      // month ends: the 31st skips 30-day months and February
      {"0 0 31 * *", "UTC", utc(2026, 3, 31, 0, 0), utc(2026, 5, 31, 0, 0)},
      {"0 0 31 * *", "UTC", utc(2026, 1, 31, 12, 0), utc(2026, 3, 31, 0, 0)},
      {"30 12 30 * *", "UTC", utc(2026, 1, 30, 13, 0), utc(2026, 3, 30, 12, 30)},
      // Feb 29 only in leap years: 2028, not 2027
      {"0 0 29 2 *", "UTC", utc(2026, 6, 1), utc(2028, 2, 29)},
      {"0 0 29 feb *", "UTC", utc(2028, 2, 29), utc(2032, 2, 29)},
      {"0 0 30 2 *", "UTC", utc(2026, 1, 1), -1},
      // names, Sunday as 0 and 7
      {"0 9 * * mon", "UTC", utc(2026, 11, 29, 12, 0), utc(2026, 11, 30, 9, 0)},  // Sun -> Mon
      {"0 9 * * SUN", "UTC", utc(2026, 11, 28), utc(2026, 11, 29, 9, 0)},
      {"0 9 * * 7", "UTC", utc(2026, 11, 28), utc(2026, 11, 29, 9, 0)},
      {"0 9 * * 0", "UTC", utc(2026, 11, 28), utc(2026, 11, 29, 9, 0)},
      {"0 9 * * fri-sun", "UTC", utc(2026, 11, 24), utc(2026, 11, 27, 9, 0)},
      {"0 9 * * 5-7", "UTC", utc(2026, 11, 29, 10, 0), utc(2026, 12, 4, 9, 0)},
      {"0 0 1 jan-mar/2 *", "UTC", utc(2026, 1, 1, 0, 0), utc(2026, 3, 1)},
      // dom and dow both restricted: either matches (1st of month OR any Monday)
      {"0 0 1 * mon", "UTC", utc(2026, 11, 24), utc(2026, 11, 30)},  // Mon 30th before Dec 1st
      {"0 0 1 * mon", "UTC", utc(2026, 11, 30, 1), utc(2026, 12, 1)},
      {"0 0 1 * mon", "UTC", utc(2026, 12, 1, 1), utc(2026, 12, 7)},
      // dom restricted, dow '*': only the dom counts
      {"0 0 13 * *", "UTC", utc(2026, 11, 14), utc(2026, 12, 13)},
      // '*/2' in day-of-week starts with '*', so it does not OR with the dom
      // (Feb-May 13ths fall on Fri, Fri, Mon, Wed; Jun 13 is a Saturday)
      {"0 0 13 * */2", "UTC", utc(2026, 1, 14), utc(2026, 6, 13)},
      // fixed offsets across midnight: 09:00 at +05:30 is 03:30 UTC
      {"0 9 * * *", "+05:30", utc(2026, 1, 1, 4, 0), utc(2026, 1, 2, 3, 30)},
      {"0 1 * * *", "+05:30", utc(2026, 1, 1, 12, 0), utc(2026, 1, 1, 19, 30)},  // 01:00 on the 2nd local
      // 22:00 at -04:00 is 02:00 UTC the next day
      {"0 22 * * *", "-04:00", utc(2026, 6, 1, 3, 0), utc(2026, 6, 2, 2, 0)},
      // weekday evaluated in local time: Friday 22:00 at -04:00 = Saturday 02:00 UTC
      {"0 22 * * fri", "-04:00", utc(2026, 11, 27, 12, 0), utc(2026, 11, 28, 2, 0)},
      // year end: New Year in +05:30 arrives on Dec 31 18:30 UTC
      {"0 0 1 1 *", "+05:30", utc(2026, 6, 1), utc(2026, 12, 31, 18, 30)},
      // year end at -04:00: Dec 31 23:00 local is Jan 1 03:00 UTC
      {"0 23 31 dec *", "-04:00", utc(2026, 12, 31, 12, 0), utc(2027, 1, 1, 3, 0)},
      {"@daily", "UTC", utc(2026, 12, 31, 23, 59, 59), utc(2027, 1, 1)},
      {"@hourly", "UTC", utc(2026, 12, 31, 23, 0), utc(2027, 1, 1)},
      // six-field form with seconds
      {"*/5 * * * * *", "UTC", utc(2026, 1, 1, 0, 0, 3), utc(2026, 1, 1, 0, 0, 5)},
      {"30 0 12 * * *", "UTC", utc(2026, 1, 1, 12, 0, 30), utc(2026, 1, 2, 12, 0, 30)},
  };
  for (const auto& r : rows) {
    INFO(r.expr << " in " << r.zone << " after " << r.after);
    std::string err;
    auto e = parse_cron(r.expr, err);
    REQUIRE(e);
    int off = 0;
    REQUIRE(parse_utc_offset(r.zone, off));
    auto next = next_fire(*e, r.after, off);
    if (r.expect < 0) {
      CHECK_FALSE(next);
    } else {
      REQUIRE(next);
      CHECK(*next == r.expect);
    }
  }
}

TEST_CASE("bad cron expressions are refused with the field named") {
  struct row {
    const char* expr;
    const char* message;
  };
  const std::vector<row> rows = {
      {"61 * * * *", "minute 61 out of range 0-59"},
      {"* 24 * * *", "hour 24 out of range 0-23"},
      {"* * 0 * *", "day-of-month 0 out of range 1-31"},
      {"* * 32 * *", "day-of-month 32 out of range 1-31"},
      {"* * * 13 *", "month 13 out of range 1-12"},
      {"* * * * 8", "day-of-week 8 out of range 0-7"},
      {"* * * foo *", "month name \"foo\" is not one of jan..dec"},
      {"* * * * funday", "day-of-week name \"funday\" is not one of sun..sat"},
      {"*/0 * * * *", "minute step 0 out of range 1-59"},
      {"*/x * * * *", "minute step \"x\" is not a number"},
      {"10-5 * * * *", "minute range \"10-5\" runs backwards"},
      {"1,,2 * * * *", "empty list item"},
      {"* * * *", "expected 5 fields"},
      {"* * * * * * *", "expected 5 fields"},
      {"", "expected 5 fields"},
      {"60 * * * * *", "second 60 out of range 0-59"},
      {"@fortnightly", "unknown macro"},
      {"1a * * * *", "minute value \"1a\" is not a number"},
  };
  for (const auto& r : rows) {
    INFO(r.expr);
    std::string err;
    CHECK_FALSE(parse_cron(r.expr, err));
    CHECK_THAT(err, Catch::Contains(r.message));
  }
}

TEST_CASE("UTC offsets parse as minutes and malformed ones are refused") {
  int m = 1;
  CHECK(parse_utc_offset("UTC", m));
  CHECK(m == 0);
  CHECK(parse_utc_offset("+05:30", m));
  CHECK(m == 330);
  CHECK(parse_utc_offset("-04:00", m));
  CHECK(m == -240);
  CHECK(parse_utc_offset("+14:00", m));
  CHECK(m == 840);
  for (const char* bad : {"", "+5:30", "05:30", "+05:60", "+15:00", "EST", "+05:30x", "America/New_York"}) {
    INFO(bad);
    CHECK_FALSE(parse_utc_offset(bad, m));
  }
}

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>
#include <limits>

#include "ml/market/calendar.hpp"
#include "ml/market/validation.hpp"

using namespace mlt::ml;

namespace {

bar_series clean(int n) {
  bar_series s;
  s.symbol = "TEST";
  s.source = "csv";
  s.origin = "t.csv";
  std::int64_t d = days_from_civil(2020, 1, 2);
  for (int i = 0; i < n; ++d) {
    if (!is_business_day(d)) continue;
    s.bars.push_back(bar{d * seconds_per_day, 100, 101, 99, 100, 1000});
    ++i;
  }
  return s;
}

}  // namespace

TEST_CASE("a clean series validates without warnings", "[market][validation]") {
  bar_series s = clean(300);
  REQUIRE_NOTHROW(validate_series(s));
  CHECK(s.warnings.empty());
}

TEST_CASE("fatal data problems name the symbol, bar and date", "[market][validation]") {
  struct row {
    const char* what;
    void (*spoil)(bar_series&);
    const char* message;
  };
  const row rows[] = {
      {"duplicate", [](bar_series& s) { s.bars[5].time = s.bars[4].time; }, "duplicate timestamp"},
      {"backwards", [](bar_series& s) { s.bars[5].time = s.bars[4].time - 86400; }, "back in time"},
      {"low above open", [](bar_series& s) { s.bars[5].low = 100.5; }, "low 100.5 is above"},
      {"high below close", [](bar_series& s) { s.bars[5].high = 99.5; }, "high 99.5 is below"},
      {"zero price", [](bar_series& s) { s.bars[5].low = 0; }, "non-positive price"},
      {"nan", [](bar_series& s) { s.bars[5].close = std::nan(""); }, "NaN"},
      {"negative volume", [](bar_series& s) { s.bars[5].volume = -1; }, "negative volume"},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    bar_series s = clean(50);
    r.spoil(s);
    CHECK_THROWS_AS(validate_series(s), data_error);
    CHECK_THROWS_WITH(validate_series(s), Catch::Contains(r.message) && Catch::Contains("TEST") &&
                                              Catch::Contains("bar 6"));
  }
}

TEST_CASE("a gap beyond the trading calendar is a warning", "[market][validation]") {
  bar_series s = clean(100);
  s.bars.erase(s.bars.begin() + 40, s.bars.begin() + 45);
  REQUIRE_NOTHROW(validate_series(s));
  REQUIRE(s.warnings.size() == 1);
  CHECK(s.warnings[0].find("gap of 5 trading days") != std::string::npos);
}

namespace {

// Bars on every Monday-Friday from `from` to `to` except the `skipped` days,
// so that the exchange calendar alone decides what is a gap.
bar_series weekdays(std::int64_t from, std::int64_t to, const std::vector<std::int64_t>& skipped) {
  bar_series s;
  s.symbol = "TEST";
  s.source = "csv";
  for (std::int64_t d = from; d <= to; ++d) {
    if (weekday(d) == 0 || weekday(d) == 6) continue;
    if (std::find(skipped.begin(), skipped.end(), d) != skipped.end()) continue;
    s.bars.push_back(bar{d * seconds_per_day, 100, 101, 99, 100, 1000});
  }
  return s;
}

}  // namespace

TEST_CASE("exchange holidays and closures are not gaps; a missing ordinary weekday is", "[market][validation]") {
  const std::int64_t good_friday = days_from_civil(2015, 4, 3);
  bar_series easter = weekdays(days_from_civil(2015, 3, 2), days_from_civil(2015, 4, 30), {good_friday});
  validate_series(easter);
  CHECK(easter.warnings.empty());

  // Hurricane Sandy closed the NYSE on Monday 29 and Tuesday 30 October 2012.
  const std::int64_t sandy1 = days_from_civil(2012, 10, 29), sandy2 = days_from_civil(2012, 10, 30);
  bar_series sandy = weekdays(days_from_civil(2012, 10, 1), days_from_civil(2012, 11, 20), {sandy1, sandy2});
  validate_series(sandy);
  // 2012-11-22 (Thanksgiving) lies outside; the range has no other holiday.
  CHECK(sandy.warnings.empty());

  // Tuesday 2015-04-07 is an ordinary trading day.
  bar_series hole =
      weekdays(days_from_civil(2015, 3, 2), days_from_civil(2015, 4, 30), {good_friday, days_from_civil(2015, 4, 7)});
  validate_series(hole);
  REQUIRE(hole.warnings.size() == 1);
  CHECK(hole.warnings[0].find("gap of 1 trading day between 2015-04-06 and 2015-04-08") != std::string::npos);
  CHECK(hole.warnings[0].find(std::string("judged by the ") + business_calendar_name()) != std::string::npos);
  CHECK(std::string(business_calendar_name()).find("NYSE calendar (QuantLib 1.") == 0);
}

TEST_CASE("an overnight jump that looks like an unadjusted split is a warning", "[market][validation]") {
  struct row {
    double factor;
    const char* text;
  };
  const row rows[] = {{0.5, "2:1 split"}, {1.0 / 3, "3:1 split"}, {0.1, "10:1 split"},
                      {2.0 / 3, "3:2 split"}, {10, "1:10 reverse split"}, {2, "1:2 reverse split"}};
  for (const auto& r : rows) {
    INFO(r.text);
    bar_series s = clean(100);
    for (std::size_t i = 50; i < s.bars.size(); ++i) {
      bar& b = s.bars[i];
      b.open *= r.factor;
      b.high *= r.factor;
      b.low *= r.factor;
      b.close *= r.factor;
    }
    validate_series(s);
    REQUIRE(s.warnings.size() == 1);
    CHECK(s.warnings[0].find(r.text) != std::string::npos);
  }
}

TEST_CASE("an ordinary large move is not mistaken for a split", "[market][validation]") {
  // -25%, and +50% (a takeover bid, e.g. YHOO on 2008-02-01, not a 2:3 reverse split).
  for (double factor : {0.75, 1.5}) {
    INFO(factor);
    bar_series s = clean(100);
    for (std::size_t i = 50; i < s.bars.size(); ++i) {
      s.bars[i].open *= factor;
      s.bars[i].high *= factor;
      s.bars[i].low *= factor;
      s.bars[i].close *= factor;
    }
    validate_series(s);
    CHECK(s.warnings.empty());
  }
}

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "market_test_util.hpp"
#include "ml/market/bar_cache.hpp"
#include "ml/market/calendar.hpp"

using namespace mlt::ml;

namespace {

// A fake remote source: one bar per business day, records every range asked for.
struct fake_remote {
  std::vector<remote_range> calls;
  bool fail = false;
  remote_fetch fn() {
    return [this](const remote_range& r, const data_progress&) {
      calls.push_back(r);
      if (fail) throw data_error("Polygon X: server error HTTP 503 after 6 attempts");
      std::vector<bar> out;
      for (std::int64_t d = day_of(r.from); d <= day_of(r.to); ++d)
        if (is_business_day(d)) out.push_back(bar{d * seconds_per_day, 10, 11, 9, 10.5, 100});
      return out;
    };
  }
};

remote_range range(const char* from, const char* to) {
  remote_range r;
  r.symbol = "AAPL";
  r.timespan = "day";
  parse_datetime(from, r.from);
  parse_datetime(to, r.to);
  return r;
}

std::int64_t day(const char* text) {
  std::int64_t t = 0;
  parse_datetime(text, t);
  return t;
}

}  // namespace

TEST_CASE("the bar cache round-trips bars and coverage", "[market][cache]") {
  mlt_test::scratch_dir dir("cache_roundtrip");
  bar_cache cache(dir.path.string());
  cached_bars c;
  c.covered_from = day("2024-01-01");
  c.covered_to = day("2024-01-31");
  c.bars = {bar{day("2024-01-02"), 1.5, 2.25, 1.0, 2.0, 12345}, bar{day("2024-01-03"), 2, 3, 1, 2.5, 1e9}};
  cache.store("polygon", "AAPL", "day", c);
  auto back = cache.load("polygon", "AAPL", "day");
  REQUIRE(back);
  CHECK(back->covered_from == c.covered_from);
  CHECK(back->covered_to == c.covered_to);
  REQUIRE(back->bars.size() == 2);
  CHECK(back->bars[1].close == 2.5);
  CHECK(back->bars[1].volume == 1e9);
  CHECK_FALSE(cache.load("polygon", "MSFT", "day"));
  // No temporary is left behind.
  int files = 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(dir.path))
    if (e.is_regular_file()) ++files;
  CHECK(files == 1);
}

TEST_CASE("a corrupted or torn cache file is ignored, not trusted", "[market][cache]") {
  mlt_test::scratch_dir dir("cache_corrupt");
  bar_cache cache(dir.path.string());
  cached_bars c;
  c.bars = {bar{day("2024-01-02"), 1, 2, 1, 2, 3}};
  cache.store("polygon", "AAPL", "day", c);
  auto path = cache.path_for("polygon", "AAPL", "day");
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(40);
    f.put('\x7f');
  }
  CHECK_FALSE(cache.load("polygon", "AAPL", "day"));
  std::filesystem::resize_file(path, 30);
  CHECK_FALSE(cache.load("polygon", "AAPL", "day"));
  auto entries = cache.list();
  REQUIRE(entries.size() == 1);
  CHECK_FALSE(entries[0].valid);
}

TEST_CASE("unsafe names never become cache paths", "[market][cache]") {
  bar_cache cache("/tmp/unused");
  CHECK_THROWS_AS(cache.path_for("polygon", "../../etc", "day"), data_error);
  CHECK_THROWS_AS(cache.path_for("polygon", "A/B", "day"), data_error);
  CHECK_THROWS_AS(cache.path_for("polygon", "", "day"), data_error);
  CHECK_NOTHROW(cache.path_for("polygon", "BRK.B", "day"));
}

TEST_CASE("a later request fetches only the missing range, across restarts", "[market][cache]") {
  mlt_test::scratch_dir dir("cache_missing");
  fake_remote remote;
  std::vector<std::string> notes;
  const std::int64_t today = day("2025-06-01");
  {
    bar_cache cache(dir.path.string());
    auto bars = fetch_through_cache(cache, "polygon", range("2024-01-01", "2024-03-31"), remote.fn(), {}, today, notes);
    // 65 weekdays less New Year, Martin Luther King Day, Presidents' Day and
    // Good Friday (2024-03-29) on the NYSE calendar.
    CHECK(bars.size() == 61);
    REQUIRE(remote.calls.size() == 1);
  }
  bar_cache reopened(dir.path.string());  // a daemon restart
  auto again = fetch_through_cache(reopened, "polygon", range("2024-02-01", "2024-03-31"), remote.fn(), {}, today, notes);
  CHECK(remote.calls.size() == 1);  // fully cached
  CHECK(format_date(again.front().time) == "2024-02-01");
  auto wider = fetch_through_cache(reopened, "polygon", range("2023-12-01", "2024-04-30"), remote.fn(), {}, today, notes);
  REQUIRE(remote.calls.size() == 3);
  CHECK(format_date(remote.calls[1].from) == "2023-12-01");
  CHECK(format_date(remote.calls[1].to) == "2023-12-31");
  CHECK(format_date(remote.calls[2].from) == "2024-04-01");
  CHECK(format_date(remote.calls[2].to) == "2024-04-30");
  CHECK(format_date(wider.front().time) == "2023-12-01");
  CHECK(format_date(wider.back().time) == "2024-04-30");
  for (std::size_t i = 1; i < wider.size(); ++i) REQUIRE(wider[i].time > wider[i - 1].time);
}

TEST_CASE("today is never marked covered, so its bar is fetched again", "[market][cache]") {
  mlt_test::scratch_dir dir("cache_today");
  fake_remote remote;
  std::vector<std::string> notes;
  bar_cache cache(dir.path.string());
  const std::int64_t today = day("2024-03-28");  // a Thursday (the Friday after is Good Friday)
  fetch_through_cache(cache, "polygon", range("2024-01-01", "2024-03-28"), remote.fn(), {}, today, notes);
  fetch_through_cache(cache, "polygon", range("2024-01-01", "2024-03-28"), remote.fn(), {}, today, notes);
  REQUIRE(remote.calls.size() == 2);
  CHECK(format_date(remote.calls[1].from) == "2024-03-28");
}

TEST_CASE("when a refresh fails, cached bars still serve and the gap is reported", "[market][cache]") {
  mlt_test::scratch_dir dir("cache_fail");
  fake_remote remote;
  std::vector<std::string> notes;
  bar_cache cache(dir.path.string());
  const std::int64_t today = day("2025-01-01");
  fetch_through_cache(cache, "polygon", range("2024-01-01", "2024-06-30"), remote.fn(), {}, today, notes);
  remote.fail = true;
  auto bars = fetch_through_cache(cache, "polygon", range("2024-01-01", "2024-07-31"), remote.fn(), {}, today, notes);
  CHECK(format_date(bars.back().time) == "2024-06-28");
  bool reported = false;
  for (const auto& n : notes) reported |= n.find("could not fetch 2024-07-01 .. 2024-07-31") != std::string::npos;
  CHECK(reported);
  // With nothing cached, the failure is the caller's error.
  CHECK_THROWS_AS(fetch_through_cache(cache, "polygon", range("2010-01-01", "2010-12-31"), remote.fn(), {}, today, notes),
                  data_error);
}

TEST_CASE("cache clear removes one symbol or everything", "[market][cache]") {
  mlt_test::scratch_dir dir("cache_clear");
  bar_cache cache(dir.path.string());
  cached_bars c;
  c.bars = {bar{day("2024-01-02"), 1, 2, 1, 2, 3}};
  cache.store("polygon", "AAPL", "day", c);
  cache.store("polygon", "AAPL", "minute", c);
  cache.store("polygon", "MSFT", "day", c);
  CHECK(cache.list().size() == 3);
  CHECK(cache.clear("AAPL") == 2);
  REQUIRE(cache.list().size() == 1);
  CHECK(cache.list()[0].symbol == "MSFT");
  CHECK(cache.clear() == 1);
  CHECK(cache.list().empty());
}

#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>
#include <vector>

#include "ml/market/calendar.hpp"
#include "ml/market/synthetic.hpp"
#include "ml/market/validation.hpp"

using namespace mlt::ml;

namespace {

std::vector<double> log_returns(const bar_series& s) {
  std::vector<double> r;
  for (std::size_t i = 1; i < s.bars.size(); ++i) r.push_back(std::log(s.bars[i].close / s.bars[i - 1].close));
  return r;
}

double autocorr(const std::vector<double>& x, std::size_t lag) {
  double mean = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
  double num = 0, den = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    den += (x[i] - mean) * (x[i] - mean);
    if (i >= lag) num += (x[i] - mean) * (x[i - lag] - mean);
  }
  return num / den;
}

synthetic_spec spec_for(const std::string& symbol, std::uint64_t seed) {
  synthetic_spec s;
  s.symbol = symbol;
  s.seed = seed;
  return s;
}

}  // namespace

TEST_CASE("the synthetic market is deterministic per symbol and seed", "[market][synthetic]") {
  bar_series a = generate_synthetic(spec_for("AAPL", 7));
  bar_series b = generate_synthetic(spec_for("AAPL", 7));
  REQUIRE(a.bars.size() == b.bars.size());
  for (std::size_t i = 0; i < a.bars.size(); ++i) {
    REQUIRE(a.bars[i].time == b.bars[i].time);
    REQUIRE(a.bars[i].close == b.bars[i].close);
  }
  bar_series other_seed = generate_synthetic(spec_for("AAPL", 8));
  bar_series other_symbol = generate_synthetic(spec_for("MSFT", 7));
  CHECK(other_seed.bars.back().close != a.bars.back().close);
  CHECK(other_symbol.bars.back().close != a.bars.back().close);
}

TEST_CASE("the stable hash is FNV-1a and never std::hash", "[market][synthetic]") {
  // Reference values of 64-bit FNV-1a.
  CHECK(stable_hash("") == 0xcbf29ce484222325ULL);
  CHECK(stable_hash("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(stable_hash("foobar") == 0x85944171f73967e8ULL);
}

TEST_CASE("by default about ten years of business days end on 2024-12-31", "[market][synthetic]") {
  bar_series s = generate_synthetic(spec_for("SPY", 42));
  CHECK(s.synthetic);
  CHECK(s.source == "synthetic");
  CHECK(s.origin.find("seed 42") != std::string::npos);
  CHECK(format_date(s.bars.back().time) == "2024-12-31");
  CHECK(format_date(s.bars.front().time) == "2015-01-02");
  CHECK(s.bars.size() > 2400);
  CHECK(s.bars.size() < 2650);
  for (const bar& b : s.bars) REQUIRE(is_business_day(day_of(b.time)));
}

TEST_CASE("synthetic bars pass validation with realistic OHLC and volume", "[market][synthetic]") {
  for (auto mode : {synthetic_mode::realistic, synthetic_mode::random_walk, synthetic_mode::planted_signal}) {
    for (const char* sym : {"AAPL", "TSLA", "X", "BRK.B"}) {
      synthetic_spec spec = spec_for(sym, 3);
      spec.mode = mode;
      bar_series s = generate_synthetic(spec);
      INFO(sym << " " << to_string(mode));
      REQUIRE_NOTHROW(validate_series(s));
      for (const bar& b : s.bars) {
        REQUIRE(b.low <= std::min(b.open, b.close));
        REQUIRE(b.high >= std::max(b.open, b.close));
        REQUIRE(b.volume > 0);
      }
    }
  }
}

TEST_CASE("a requested window is a slice of the same path", "[market][synthetic]") {
  synthetic_spec full = spec_for("NVDA", 1);
  synthetic_spec part = full;
  part.start = time_from_civil(2020, 3, 2);
  part.end = time_from_civil(2020, 6, 30);
  bar_series a = generate_synthetic(full), b = generate_synthetic(part);
  REQUIRE(!b.bars.empty());
  CHECK(format_date(b.bars.front().time) == "2020-03-02");
  CHECK(format_date(b.bars.back().time) == "2020-06-30");
  auto it = std::find_if(a.bars.begin(), a.bars.end(), [&](const bar& x) { return x.time == b.bars.front().time; });
  REQUIRE(it != a.bars.end());
  CHECK(it->close == b.bars.front().close);
}

TEST_CASE("realistic mode clusters volatility: squared returns are autocorrelated", "[market][synthetic]") {
  synthetic_spec spec = spec_for("VOL", 11);
  spec.start = time_from_civil(2000, 1, 3);
  std::vector<double> r = log_returns(generate_synthetic(spec));
  std::vector<double> sq;
  for (double x : r) sq.push_back(x * x);
  CHECK(autocorr(sq, 1) > 0.05);
  // Returns themselves stay close to unpredictable.
  CHECK(std::fabs(autocorr(r, 1)) < 0.08);
}

TEST_CASE("random-walk mode has no return autocorrelation or volatility clustering", "[market][synthetic]") {
  synthetic_spec spec = spec_for("RW", 5);
  spec.mode = synthetic_mode::random_walk;
  spec.start = time_from_civil(2000, 1, 3);
  std::vector<double> r = log_returns(generate_synthetic(spec));
  std::vector<double> sq;
  for (double x : r) sq.push_back(x * x);
  // ~6500 returns: the standard error of an autocorrelation is ~0.012.
  CHECK(std::fabs(autocorr(r, 1)) < 0.05);
  CHECK(std::fabs(autocorr(sq, 1)) < 0.05);
}

TEST_CASE("planted-signal mode has the documented AR(1) coefficient", "[market][synthetic]") {
  synthetic_spec spec = spec_for("SIG", 9);
  spec.mode = synthetic_mode::planted_signal;
  spec.signal_strength = 0.2;
  spec.start = time_from_civil(2000, 1, 3);
  std::vector<double> r = log_returns(generate_synthetic(spec));
  CHECK(autocorr(r, 1) == Approx(0.2).margin(0.05));
  // The hit rate of "tomorrow has the sign of today" is near 0.5 + asin(0.2)/pi.
  int hits = 0;
  for (std::size_t i = 1; i < r.size(); ++i) hits += (r[i] > 0) == (r[i - 1] > 0);
  double rate = hits / static_cast<double>(r.size() - 1);
  CHECK(rate == Approx(0.5 + std::asin(0.2) / 3.141592653589793).margin(0.03));
}

TEST_CASE("weekly synthetic bars aggregate the daily path", "[market][synthetic]") {
  synthetic_spec spec = spec_for("WK", 2);
  spec.timespan = "week";
  bar_series w = generate_synthetic(spec);
  CHECK(w.bars.size() > 500);
  CHECK(w.bars.size() < 530);
  for (const bar& b : w.bars) REQUIRE(weekday(day_of(b.time)) == 1);
  REQUIRE_NOTHROW(validate_series(w));
}

TEST_CASE("an invalid synthetic spec is a data error", "[market][synthetic]") {
  synthetic_spec spec = spec_for("BAD", 1);
  spec.start = time_from_civil(2024, 1, 2);
  spec.end = time_from_civil(2023, 1, 2);
  CHECK_THROWS_AS(generate_synthetic(spec), data_error);
  spec = spec_for("BAD", 1);
  spec.signal_strength = 1.5;
  CHECK_THROWS_AS(generate_synthetic(spec), data_error);
  spec = spec_for("BAD", 1);
  spec.timespan = "minute";
  CHECK_THROWS_WITH(generate_synthetic(spec), Catch::Contains("minute"));
}

#include <catch2/catch.hpp>

#include <cmath>

#include "ml/features/indicator_spec.hpp"
#include "tests/ml/eval/synthetic_bars.hpp"

using namespace mlt;

TEST_CASE("indicator specs name their output columns as the features command prints them") {
  const auto s = test::random_walk_bars(120, 21);
  const auto names = [&](const std::string& spec) {
    std::vector<std::string> out;
    for (const auto& c : ml::compute_indicator(s, spec)) out.push_back(c.name);
    return out;
  };
  using v = std::vector<std::string>;
  CHECK(names("sma:30") == v{"sma_30"});
  CHECK(names("ema:30") == v{"ema_30"});
  CHECK(names("rsi:14") == v{"rsi_14"});
  CHECK(names("rsi") == v{"rsi_14"});
  CHECK(names("atr:14") == v{"atr_14"});
  CHECK(names("macd:12,26,9") == v{"macd_12_26_9", "macd_signal_12_26_9", "macd_hist_12_26_9"});
  CHECK(names("bbands:20,2") == v{"bb_mid_20_2", "bb_upper_20_2", "bb_lower_20_2"});
  CHECK(names("stoch") == v{"stoch_k_14_3", "stoch_d_14_3"});
  CHECK(names("obv") == v{"obv"});
  CHECK(names("dow") == v{"day_of_week"});
}

TEST_CASE("indicator columns are empty during warm-up and aligned with the bars") {
  const auto s = test::random_walk_bars(120, 22);
  const auto c = ml::compute_indicator(s, "sma:30").front();
  REQUIRE(c.values.size() == 120);
  CHECK(std::isnan(c.values[28]));
  double mean = 0;
  for (std::size_t i = 0; i < 30; ++i) mean += s.bars[i].close / 30;
  CHECK(c.values[29] == Approx(mean));
}

TEST_CASE("bad indicator specs are rejected with the spec and problem named") {
  const auto s = test::random_walk_bars(50, 23);
  CHECK_THROWS_WITH(ml::compute_indicator(s, "foo:3"), Catch::Contains("unknown indicator 'foo'"));
  CHECK_THROWS_WITH(ml::compute_indicator(s, "sma"), Catch::Contains("expected sma:N"));
  CHECK_THROWS_WITH(ml::compute_indicator(s, "sma:0"), Catch::Contains("'0' is not a whole number"));
  CHECK_THROWS_WITH(ml::compute_indicator(s, "sma:3.5"), Catch::Contains("sma:3.5"));
  CHECK_THROWS_WITH(ml::compute_indicator(s, "macd:26,12,9"), Catch::Contains("fast period must be below"));
  CHECK_THROWS_WITH(ml::compute_indicator(s, "bbands:20,-1"), Catch::Contains("width K"));
  CHECK_THROWS_WITH(ml::compute_indicator(s, "rsi:"), Catch::Contains("no arguments"));
  CHECK_THROWS_WITH(ml::compute_indicator(s, "obv:3"), Catch::Contains("without arguments"));
}

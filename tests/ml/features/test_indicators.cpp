#include <catch2/catch.hpp>

#include <cmath>

#include "ml/features/indicators.hpp"

using namespace mlt::ml;

namespace {
ind::vec v(std::initializer_list<double> xs) {
  ind::vec out(static_cast<Eigen::Index>(xs.size()));
  Eigen::Index i = 0;
  for (double x : xs) out[i++] = x;
  return out;
}
}  // namespace

TEST_CASE("sma averages the last n values and is NaN before") {
  const auto s = ind::sma(v({1, 2, 3, 4, 5}), 3);
  CHECK(std::isnan(s[0]));
  CHECK(std::isnan(s[1]));
  CHECK(s[2] == Approx(2.0));
  CHECK(s[3] == Approx(3.0));
  CHECK(s[4] == Approx(4.0));
}

TEST_CASE("ema is seeded with the sma of its first n inputs") {
  // n = 3, alpha = 0.5: seed (1+2+3)/3 = 2 at row 2; row 3: 2 + 0.5 (10 - 2) = 6; row 4: 6 + 0.5 (0 - 6) = 3.
  const auto e = ind::ema(v({1, 2, 3, 10, 0}), 3);
  CHECK(std::isnan(e[1]));
  CHECK(e[2] == Approx(2.0));
  CHECK(e[3] == Approx(6.0));
  CHECK(e[4] == Approx(3.0));
  const auto f = ind::ema(v({1, 2, 3, 10, 0}), 3, ind::smoothing_seed::first_value);
  // 1; 1.5; 2.25; 6.125; 3.0625
  CHECK(f[0] == Approx(1.0));
  CHECK(f[4] == Approx(3.0625));
}

TEST_CASE("rsi follows Wilder's averages on a hand-computed series") {
  // Changes +1, -2, +3, +1 with n = 2: seed gains (1+0)/2 = 0.5, losses (0+2)/2 = 1 at row 2
  // -> RSI 100*0.5/1.5 = 33.33; row 3: gains (0.5+3)/2 = 1.75, losses 0.5 -> 77.78;
  // row 4: gains 1.375, losses 0.25 -> 84.62.
  const auto r = ind::rsi(v({10, 11, 9, 12, 13}), 2);
  CHECK(std::isnan(r[1]));
  CHECK(r[2] == Approx(100.0 / 3.0));
  CHECK(r[3] == Approx(100.0 * 1.75 / 2.25));
  CHECK(r[4] == Approx(100.0 * 1.375 / 1.625));
}

TEST_CASE("window lengths below one are rejected with the parameter named") {
  CHECK_THROWS_WITH(ind::sma(v({1, 2}), 0), Catch::Contains("sma window"));
  CHECK_THROWS_WITH(ind::macd(v({1, 2}), 26, 12, 9), Catch::Contains("fast period"));
}

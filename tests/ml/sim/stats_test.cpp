#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "ml/sim/stats.hpp"
#include "sim_fixtures.hpp"

using namespace mlt::ml::sim;
using sim_test::day;
using sim_test::t0;

namespace {

std::vector<equity_sample> curve(const std::vector<double>& e, double position = 0) {
  std::vector<equity_sample> out;
  for (std::size_t i = 0; i < e.size(); ++i)
    out.push_back({t0 + static_cast<std::int64_t>(i) * day, e[i], position, 1});
  return out;
}

trade closed(double pnl, double ret) {
  trade t;
  t.pnl = pnl;
  t.ret = ret;
  t.size = 1;
  t.entry_price = 1;
  return t;
}

}  // namespace

TEST_CASE("drawdown depth, average and duration follow backtesting.py's worked example",
          "[sim][stats]") {
  // backtesting.py test_compute_drawdown: drawdowns 0,1,7,0,4,0,0 % -> durations 3 and 2 bars.
  const auto eq = curve({100, 99, 93, 100, 96, 100, 100});
  const performance p = compute_performance(eq, {}, 0, 0, 0, "day");
  CHECK(p.max_drawdown == Approx(0.07));
  CHECK(p.avg_drawdown == Approx((0.07 + 0.04) / 2));
  CHECK(p.max_drawdown_duration_bars == 3);
  CHECK(p.max_drawdown_duration_days == 3);
  const auto dd = drawdown_series(eq);
  const std::vector<double> expected = {0, 0.01, 0.07, 0, 0.04, 0, 0};
  REQUIRE(dd.size() == expected.size());
  for (std::size_t i = 0; i < dd.size(); ++i) CHECK(dd[i] == Approx(expected[i]).margin(1e-15));
}

TEST_CASE("a drawdown still open at the end lasts until the last bar", "[sim][stats]") {
  const performance p = compute_performance(curve({100, 110, 100, 105, 104}), {}, 0, 0, 0, "day");
  CHECK(p.max_drawdown == Approx(1 - 100.0 / 110));
  CHECK(p.max_drawdown_duration_bars == 3);
}

TEST_CASE("return, volatility, Sharpe and Sortino follow the stated formulas", "[sim][stats]") {
  const std::vector<double> e = {100, 102, 101, 104, 103, 107};
  const performance p = compute_performance(curve(e), {}, 0, 0, 0, "day");
  std::vector<double> r;
  for (std::size_t i = 1; i < e.size(); ++i) r.push_back(e[i] / e[i - 1] - 1);
  double m = 0;
  for (double x : r) m += x / 5;
  double v = 0, d = 0;
  for (double x : r) {
    v += (x - m) * (x - m) / 4;
    d += x < 0 ? x * x / 5 : 0;
  }
  CHECK(p.total_return == Approx(0.07));
  CHECK(p.volatility == Approx(std::sqrt(v) * std::sqrt(252.0)).epsilon(1e-12));
  CHECK(p.sharpe == Approx(m / std::sqrt(v) * std::sqrt(252.0)).epsilon(1e-12));
  CHECK(p.sortino == Approx(m / std::sqrt(d) * std::sqrt(252.0)).epsilon(1e-12));
  CHECK(p.years == Approx(5 / 365.25));
  CHECK(p.cagr == Approx(std::pow(1.07, 365.25 / 5) - 1).epsilon(1e-12));
  CHECK(p.calmar == Approx(p.cagr / (1 - 101.0 / 102)).epsilon(1e-12));
}

TEST_CASE("intraday bars annualise with the number of bars per year in the sample",
          "[sim][stats]") {
  auto eq = curve({100, 101, 100.5, 102});
  for (std::size_t i = 0; i < eq.size(); ++i) eq[i].time = t0 + static_cast<std::int64_t>(i) * 3600;
  const performance p = compute_performance(eq, {}, 0, 0, 0, "hour");
  CHECK(p.periods_per_year == Approx(3 / (3 * 3600 / (365.25 * 86400))));
}

TEST_CASE("trade statistics: win rate, profit factor, expectancy, SQN, best and worst",
          "[sim][stats]") {
  const std::vector<trade> t = {closed(10, 0.1), closed(-5, -0.05), closed(20, 0.2),
                                closed(-5, -0.04)};
  const performance p = compute_performance(curve({100, 120}), t, 3, 1, 500, "day");
  CHECK(p.trades == 4);
  CHECK(p.win_rate == 0.5);
  CHECK(p.profit_factor == Approx(3));
  CHECK(p.expectancy == Approx(5));
  CHECK(p.avg_trade == Approx(0.0525));
  CHECK(p.best_trade == Approx(0.2));
  CHECK(p.worst_trade == Approx(-0.05));
  CHECK(p.sqn == Approx(2 * 5 / std::sqrt(150.0)).epsilon(1e-12));
  CHECK(p.fees == 3);
  CHECK(p.slippage == 1);
  CHECK(p.turnover == Approx(500 / 110.0));
}

TEST_CASE("a profit factor without losing trades is infinite", "[sim][stats]") {
  const performance p = compute_performance(curve({100, 120}), {closed(10, 0.1)}, 0, 0, 0, "day");
  CHECK(std::isinf(p.profit_factor));
}

TEST_CASE("exposure counts the bars closed with a position on", "[sim][stats]") {
  auto eq = curve({100, 101, 102, 103});
  eq[1].position = 5;
  eq[2].position = -5;
  CHECK(compute_performance(eq, {}, 0, 0, 0, "day").exposure == 0.5);
}

TEST_CASE("deflated Sharpe ratio reproduces Bailey and Lopez de Prado's numerical example",
          "[sim][stats]") {
  // The Deflated Sharpe Ratio (2014), section 4: 100 trials, annualised Sharpe 2.5 over
  // 1250 daily returns (250 a year), variance of trial Sharpes 1/2 a year,
  // skewness -3, kurtosis 10: DSR = 0.9004.
  const double sr = 2.5 / std::sqrt(250.0);
  const double sr0 = expected_max_sharpe(100, 0.5 / 250);
  CHECK(sr0 * std::sqrt(250.0) == Approx(1.7894).margin(1e-3));
  CHECK(probabilistic_sharpe(sr, sr0, 1250, -3, 10) == Approx(0.9004).margin(1e-4));
}

TEST_CASE("probabilistic Sharpe ratio is one half at the benchmark and rises with the sample",
          "[sim][stats]") {
  CHECK(probabilistic_sharpe(0.1, 0.1, 500, 0, 3) == Approx(0.5));
  CHECK(probabilistic_sharpe(0.1, 0, 100, 0, 3) < probabilistic_sharpe(0.1, 0, 1000, 0, 3));
  CHECK(normal_quantile(0.975) == Approx(1.959963985).epsilon(1e-9));
  CHECK(normal_cdf(1.959963985) == Approx(0.975).epsilon(1e-9));
}

TEST_CASE("more configurations tried lower the deflated Sharpe ratio of the same curve",
          "[sim][stats]") {
  std::vector<double> e = {100};
  for (int i = 1; i < 300; ++i) e.push_back(e.back() * (1 + 0.001 + 0.01 * std::sin(i * 1.7)));
  const auto eq = curve(e);
  const performance one = compute_performance(eq, {}, 0, 0, 0, "day", 1);
  const performance many = compute_performance(eq, {}, 0, 0, 0, "day", 50);
  CHECK(one.dsr == Approx(one.psr));
  CHECK(many.dsr < one.dsr);
  CHECK(many.trials == 50);
}

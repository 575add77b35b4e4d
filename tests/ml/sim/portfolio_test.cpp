#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "messages/json_writer.hpp"
#include "ml/sim/portfolio.hpp"
#include "sim_fixtures.hpp"

using namespace mlt::ml;
using namespace mlt::ml::sim;
using sim_test::ohlc;

namespace {

std::vector<bar> wave(int n) {
  std::vector<bar> bars;
  for (int i = 0; i < n; ++i) {
    const double p = 50 + 5 * std::sin(i * 0.3) + 0.05 * i;
    bars.push_back(ohlc(i, p, p * 1.02, p * 0.97, p * 1.005));
  }
  return bars;
}

std::vector<double> probs(int n) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(0.5 + 0.2 * std::sin(i * 0.7 + 1));
  return v;
}

paper_portfolio fresh() {
  engine_config c;
  c.cash = 25000;
  c.allow_short = true;
  c.commission = {commission_model::kind::per_share, 0.005, 1};
  c.slippage = {3, 0.01};
  signal_rule r{0.55, 0.45, true, {0.03, 0.06}};
  return make_portfolio("AAPL", "xgboost-7", c, r);
}

template <class T>
std::vector<T> slice(const std::vector<T>& v, std::size_t a, std::size_t b) {
  return std::vector<T>(v.begin() + static_cast<std::ptrdiff_t>(a),
                        v.begin() + static_cast<std::ptrdiff_t>(b));
}

}  // namespace

TEST_CASE("the portfolio's json writer escapes strings and writes doubles at 17 digits that read back exactly",
          "[sim][json]") {
  std::string quoted;
  mlt::msg::append_json_string(quoted, "a\"b\\c\n\x01");
  CHECK(quoted == "\"a\\\"b\\\\c\\n\\u0001\"");
  mlt::msg::json_writer j(mlt::msg::double_style::digits_17);
  j.begin_object().key("x").value(0.1).key("n").value(std::numeric_limits<double>::infinity())
      .key("a").begin_array().value(1).value(true).null().end_array().end_object();
  CHECK(j.str() == "{\"x\":0.10000000000000001,\"n\":null,\"a\":[1,true,null]}");
  CHECK(std::strtod("0.10000000000000001", nullptr) == 0.1);
  // The saved state keeps this format: its doubles are written at 17 digits.
  CHECK(to_json(fresh()).find("\"rate\":0.0050000000000000001") != std::string::npos);
}

TEST_CASE("a paper portfolio survives a JSON round trip unchanged", "[sim][portfolio]") {
  paper_portfolio p = fresh();
  advance(p, wave(60), probs(60));
  REQUIRE(!p.state.trades.empty());
  const std::string text = to_json(p);
  const paper_portfolio back = portfolio_from_json(text);
  CHECK(to_json(back) == text);
  CHECK(back.state.cash == p.state.cash);
  CHECK(back.state.position == p.state.position);
  CHECK(back.state.pending.size() == p.state.pending.size());
  CHECK(back.state.equity.size() == 60);
  CHECK(back.symbol == "AAPL");
  CHECK(back.model == "xgboost-7");
}

TEST_CASE("updating in batches through saved JSON equals one uninterrupted run, overlaps skipped",
          "[sim][portfolio]") {
  const auto bars = wave(90);
  const auto sig = probs(90);
  paper_portfolio whole = fresh();
  advance(whole, bars, sig);

  paper_portfolio p = fresh();
  advance(p, slice(bars, 0, 30), slice(sig, 0, 30));
  std::string saved = to_json(p);
  // The next batch overlaps the first by 10 bars: those must not trade again.
  paper_portfolio q = portfolio_from_json(saved);
  const portfolio_update u = advance(q, slice(bars, 20, 60), slice(sig, 20, 60));
  CHECK(u.skipped_bars == 10);
  CHECK(u.new_bars == 30);
  saved = to_json(q);
  paper_portfolio r = portfolio_from_json(saved);
  const portfolio_update again = advance(r, slice(bars, 0, 60), slice(sig, 0, 60));
  CHECK(again.new_bars == 0);
  CHECK(again.fills.empty());
  advance(r, slice(bars, 60, 90), slice(sig, 60, 90));

  CHECK(to_json(r) == to_json(whole));
}

TEST_CASE("a signal on the newest bar fills at the open of the next bar that arrives",
          "[sim][portfolio]") {
  paper_portfolio p = fresh();
  const std::vector<bar> first = {ohlc(0, 100, 101, 99, 100)};
  const portfolio_update u1 = advance(p, first, {0.9});
  CHECK(u1.fills.empty());
  CHECK(u1.order_pending);
  const paper_portfolio saved = portfolio_from_json(to_json(p));
  paper_portfolio q = saved;
  const portfolio_update u2 = advance(q, {ohlc(1, 102, 103, 101, 102.5)}, {0.6});
  REQUIRE(u2.fills.size() == 1);
  CHECK(u2.fills[0].time == ohlc(1, 0, 0, 0, 0).time);
  CHECK(u2.fills[0].price == Approx(102 * 1.0003 + 0.01 * 2).epsilon(1e-14));
  CHECK(u2.position > 0);
}

TEST_CASE("a missing model output holds the position instead of going flat", "[sim][portfolio]") {
  paper_portfolio p = fresh();
  const portfolio_update u1 = advance(p, {ohlc(0, 100, 101, 99, 100), ohlc(1, 100, 101, 99, 100)},
                                      {0.9, std::numeric_limits<double>::quiet_NaN()});
  CHECK(u1.fills.size() == 1);           // entered at bar 1's open
  CHECK_FALSE(u1.order_pending);         // bar 1's NaN placed no exit
  CHECK(p.state.pending.size() == 2);    // only the bracket legs
  const portfolio_update u2 = advance(p, {ohlc(2, 100, 101, 99.5, 100)}, {0.5});
  CHECK(u2.fills.empty());
  CHECK(u2.position > 0);
  CHECK(u2.order_pending);               // bar 2's 0.5 is neutral: exit at the next open
}

TEST_CASE("a damaged portfolio JSON is refused with the field named", "[sim][portfolio]") {
  paper_portfolio p = fresh();
  std::string text = to_json(p);
  CHECK_THROWS_WITH(portfolio_from_json("{"), Catch::Contains("paper portfolio JSON"));
  std::string no_cash = text;
  no_cash.replace(no_cash.find("\"cash\""), 6, "\"kash\"");
  CHECK_THROWS_WITH(portfolio_from_json(no_cash), Catch::Contains("config.cash: missing"));
  std::string bad_kind = text;
  bad_kind.replace(bad_kind.find("\"per_share\""), 11, "\"per_lot\"");
  CHECK_THROWS_WITH(portfolio_from_json(bad_kind),
                    Catch::Contains("config.commission.type") && Catch::Contains("per_lot"));
  CHECK_THROWS_AS(advance(p, {ohlc(0, 1, 1, 1, 1)}, {}), std::invalid_argument);
}

TEST_CASE("a replay reports every new bar with its fills and equity, in order",
          "[sim][portfolio]") {
  const auto bars = wave(40);
  const auto sig = probs(40);
  paper_portfolio p = fresh();
  advance(p, slice(bars, 0, 10), slice(sig, 0, 10));
  std::vector<std::int64_t> times;
  std::size_t streamed_fills = 0;
  double last_equity = 0;
  const portfolio_update u = advance(p, slice(bars, 5, 40), slice(sig, 5, 40),
                                     [&](const portfolio_step& s) {
                                       times.push_back(s.at->time);
                                       streamed_fills += s.fills.size();
                                       for (const fill& f : s.fills) CHECK(f.time == s.at->time);
                                       last_equity = s.equity;
                                     });
  REQUIRE(times.size() == 30);
  CHECK(times.front() == bars[10].time);
  CHECK(times.back() == bars[39].time);
  CHECK(streamed_fills == u.fills.size());
  CHECK(last_equity == u.equity);
  const performance perf = portfolio_performance(p, "day");
  CHECK(perf.bars == 40);
  CHECK(perf.final_equity == Approx(u.equity));
}

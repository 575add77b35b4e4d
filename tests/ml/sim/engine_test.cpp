#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "ml/sim/engine.hpp"
#include "sim_fixtures.hpp"

using namespace mlt::ml;
using namespace mlt::ml::sim;
using sim_test::ohlc;
using sim_test::scripted;
using sim_test::t0;
using sim_test::day;

namespace {

engine_config plain(double cash = 10000) {
  engine_config c;
  c.cash = cash;
  return c;
}

// Goes long (market, with `exits`) at the close of bar 0; then runs the rest.
engine long_then(const std::vector<bar>& bars, engine_config cfg, bracket exits = {}) {
  engine e(cfg);
  scripted s([&](engine& en, std::size_t i) {
    if (i == 0) en.submit_market(order_target::go_long, exits);
  });
  run(e, s, bars, 0, bars.size() - 1);
  return e;
}

}  // namespace

TEST_CASE("a stop-loss gapped through fills at the open, not at its stop price", "[sim][engine]") {
  const std::vector<bar> bars = {ohlc(0, 100, 100, 100, 100), ohlc(1, 100, 102, 97, 101),
                                 ohlc(2, 90, 92, 88, 91)};
  engine e = long_then(bars, plain(), {0.05, 0});
  const auto& s = e.state();
  REQUIRE(s.trades.size() == 1);
  CHECK(s.trades[0].entry_price == 100);
  CHECK(s.trades[0].size == 100);
  CHECK(s.trades[0].exit_price == 90);  // stop was 95
  CHECK(s.trades[0].exit_time == t0 + 2 * day);
  CHECK(s.trades[0].exit_reason == fill_reason::stop_loss);
  CHECK(s.trades[0].pnl == -1000);
  CHECK(e.equity() == 9000);
}

TEST_CASE("a stop-loss reached inside the bar fills at its stop price", "[sim][engine]") {
  const std::vector<bar> bars = {ohlc(0, 100, 100, 100, 100), ohlc(1, 100, 102, 97, 101),
                                 ohlc(2, 97, 98, 94, 96)};
  engine e = long_then(bars, plain(), {0.05, 0});
  REQUIRE(e.state().trades.size() == 1);
  CHECK(e.state().trades[0].exit_price == 95);
  CHECK(e.equity() == 9500);
}

TEST_CASE("when both bracket legs lie inside one bar the stop-loss is taken first",
          "[sim][engine]") {
  const std::vector<bar> bars = {ohlc(0, 100, 100, 100, 100), ohlc(1, 100, 101, 99, 100),
                                 ohlc(2, 100, 106, 94, 103)};
  engine e = long_then(bars, plain(), {0.05, 0.05});
  REQUIRE(e.state().trades.size() == 1);
  CHECK(e.state().trades[0].exit_price == 95);
  CHECK(e.state().trades[0].exit_reason == fill_reason::stop_loss);
  CHECK(e.state().pending.empty());  // the take-profit leg went with the position
  CHECK(e.equity() == 9500);
}

TEST_CASE("a take-profit gapped through fills at the better open", "[sim][engine]") {
  const std::vector<bar> bars = {ohlc(0, 100, 100, 100, 100), ohlc(1, 100, 101, 99, 100),
                                 ohlc(2, 107, 108, 106, 107)};
  engine e = long_then(bars, plain(), {0.05, 0.05});
  REQUIRE(e.state().trades.size() == 1);
  CHECK(e.state().trades[0].exit_price == 107);
  CHECK(e.state().trades[0].exit_reason == fill_reason::take_profit);
}

TEST_CASE("bracket legs of an entry at the open can trigger later in the same bar",
          "[sim][engine]") {
  const std::vector<bar> bars = {ohlc(0, 100, 100, 100, 100), ohlc(1, 100, 101, 94, 96)};
  engine e = long_then(bars, plain(), {0.05, 0});
  REQUIRE(e.state().trades.size() == 1);
  CHECK(e.state().trades[0].entry_time == e.state().trades[0].exit_time);
  CHECK(e.state().trades[0].exit_price == 95);
}

TEST_CASE("per-share commission with a minimum and slippage in bps add up as computed by hand",
          "[sim][engine]") {
  engine_config c = plain();
  c.commission = {commission_model::kind::per_share, 0.01, 1.0};
  c.slippage.bps = 10;
  const std::vector<bar> bars = {ohlc(0, 50, 50, 50, 50), ohlc(1, 50, 51, 49, 50),
                                 ohlc(2, 55, 56, 54, 55)};
  engine e(c);
  scripted s([](engine& en, std::size_t i) {
    if (i == 0) en.submit_market(order_target::go_long);
    if (i == 1) en.submit_market(order_target::go_flat);
  });
  run(e, s, bars, 0, 2);
  // Buy at 50 * 1.001 = 50.05: floor(10000 / (50.05 + 0.01)) = 199 shares, fee max(1, 1.99).
  // Sell at 55 * 0.999 = 54.945, fee 1.99.
  const auto& st = e.state();
  REQUIRE(st.fills.size() == 2);
  CHECK(st.fills[0].quantity == 199);
  CHECK(st.fills[0].price == Approx(50.05).epsilon(1e-14));
  CHECK(st.fills[0].commission == Approx(1.99).epsilon(1e-14));
  CHECK(st.fills[1].quantity == -199);
  CHECK(st.fills[1].price == Approx(54.945).epsilon(1e-14));
  CHECK(st.fees == Approx(3.98).epsilon(1e-14));
  CHECK(st.slippage_cost == Approx(199 * 0.05 + 199 * 0.055).epsilon(1e-12));
  CHECK(st.trades[0].pnl == Approx(199 * 4.895 - 3.98).epsilon(1e-12));
  CHECK(e.cash() == Approx(10970.125).epsilon(1e-12));
  CHECK(e.equity() == Approx(10970.125).epsilon(1e-12));
}

TEST_CASE("commission models charge as documented", "[sim][engine]") {
  // Table: model, quantity, price, expected commission.
  struct row {
    commission_model m;
    double q, p, expected;
  };
  const std::vector<row> rows = {
      {{commission_model::kind::none, 0, 0}, 100, 50, 0},
      {{commission_model::kind::bps, 5, 0}, 100, 50, 2.5},
      {{commission_model::kind::per_share, 0.005, 1.0}, 100, 50, 1.0},
      {{commission_model::kind::per_share, 0.005, 1.0}, 1000, 50, 5.0},
      {{commission_model::kind::fixed, 4.95, 0}, 3, 50, 4.95},
  };
  for (const row& r : rows) CHECK(r.m.cost(r.q, r.p) == Approx(r.expected).epsilon(1e-14));
}

TEST_CASE("slippage as a fraction of the bar's range moves the fill against the trader",
          "[sim][engine]") {
  slippage_model s;
  s.range_fraction = 0.1;
  s.bps = 0;
  const bar b = ohlc(0, 100, 103, 99, 101);
  CHECK(s.apply(100, true, b) == Approx(100.4));
  CHECK(s.apply(100, false, b) == Approx(99.6));
}

TEST_CASE("a fixed commission per order is reserved when sizing all of equity", "[sim][engine]") {
  engine_config c = plain();
  c.commission = {commission_model::kind::fixed, 10, 0};
  const std::vector<bar> bars = {ohlc(0, 100, 100, 100, 100), ohlc(1, 99.95, 101, 99, 100)};
  engine e = long_then(bars, c);
  // floor((10000 - 10) / 99.95) = 99 shares (100 would cost 9995 + 10 > 10000).
  CHECK(e.position() == 99);
  CHECK(e.cash() == Approx(10000 - 99 * 99.95 - 10).epsilon(1e-14));
}

TEST_CASE("a short position gains when the price falls and its equity is cash minus the marked shares",
          "[sim][engine]") {
  engine_config c = plain();
  c.allow_short = true;
  const std::vector<bar> bars = {ohlc(0, 100, 100, 100, 100), ohlc(1, 100, 101, 94, 95),
                                 ohlc(2, 90, 91, 89, 90)};
  engine e(c);
  scripted s([](engine& en, std::size_t i) {
    if (i == 0) en.submit_market(order_target::go_short);
    if (i == 1) en.submit_market(order_target::go_flat);
  });
  run(e, s, bars, 0, 2);
  const auto& st = e.state();
  REQUIRE(st.equity.size() == 3);
  CHECK(st.equity[1].position == -100);
  CHECK(st.equity[1].equity == 20000 - 100 * 95);
  REQUIRE(st.trades.size() == 1);
  CHECK(st.trades[0].direction == -1);
  CHECK(st.trades[0].pnl == 1000);
  CHECK(st.trades[0].ret == Approx(0.1));
  CHECK(e.equity() == 11000);
}

TEST_CASE("a short order is rejected when shorting is not allowed", "[sim][engine]") {
  engine e(plain());
  CHECK(e.submit_market(order_target::go_short) == 0);
  CHECK(e.state().pending.empty());
}

TEST_CASE("sizing after a reversal uses the equity left after closing at the same price",
          "[sim][engine]") {
  engine_config c = plain();
  c.allow_short = true;
  c.commission = {commission_model::kind::bps, 10, 0};
  c.sizing = {sizing_rule::kind::fraction, 0.5, 20, 252};
  const std::vector<bar> bars = {ohlc(0, 100, 100, 100, 100), ohlc(1, 100, 101, 99, 100),
                                 ohlc(2, 120, 121, 117, 118)};
  engine e(c);
  scripted s([](engine& en, std::size_t i) {
    if (i == 0) en.submit_market(order_target::go_long);
    if (i == 1) en.submit_market(order_target::go_short);
  });
  run(e, s, bars, 0, 2);
  // Long floor(5000 / 100.1) = 49; cash 10000 - 4900 - 4.9 = 5095.1.
  // At 120: sell 49 (fee 5.88) -> cash 10969.22 = equity; short floor(5484.61 / 120.12) = 45.
  const auto& st = e.state();
  REQUIRE(st.fills.size() == 3);
  CHECK(st.fills[0].quantity == 49);
  CHECK(st.fills[1].quantity == -49);
  CHECK(st.fills[2].quantity == -45);
  CHECK(st.fills[1].time == st.fills[2].time);
  CHECK(st.fills[1].price == st.fills[2].price);
  CHECK(e.position() == -45);
  CHECK(e.cash() == Approx(10969.22 + 45 * 120 - 5.4).epsilon(1e-12));
  CHECK(e.equity() == Approx(10969.22 + 45 * 120 - 5.4 - 45 * 118).epsilon(1e-12));
  REQUIRE(st.trades.size() == 1);
  CHECK(st.trades[0].pnl == Approx(49 * 20 - 4.9 - 5.88).epsilon(1e-12));
}

TEST_CASE("a limit buy fills at its price inside the bar and at a better open", "[sim][engine]") {
  const std::vector<bar> bars = {ohlc(0, 100, 100, 100, 100), ohlc(1, 97, 98, 94, 96),
                                 ohlc(2, 93, 94, 92, 93)};
  for (int gap = 0; gap < 2; ++gap) {
    engine_config c = plain();
    c.slippage.bps = 50;  // limit fills are not slipped
    engine e(c);
    scripted s([&](engine& en, std::size_t i) {
      if (i == static_cast<std::size_t>(gap)) {
        order o;
        o.kind = order_kind::limit;
        o.target = order_target::go_long;
        o.price = 95;
        o.quantity = 10;
        en.submit(o);
      }
    });
    run(e, s, bars, 0, 2);
    REQUIRE(e.state().fills.size() == 1);
    CHECK(e.state().fills[0].price == (gap ? 93 : 95));
  }
}

TEST_CASE("a buy stop fills at its price when reached and at the open when gapped through",
          "[sim][engine]") {
  const std::vector<bar> bars = {ohlc(0, 100, 100, 100, 100), ohlc(1, 103, 106, 102, 105),
                                 ohlc(2, 107, 108, 106, 107)};
  for (int gap = 0; gap < 2; ++gap) {
    engine e(plain());
    scripted s([&](engine& en, std::size_t i) {
      if (i == static_cast<std::size_t>(gap)) {
        order o;
        o.kind = order_kind::stop;
        o.target = order_target::go_long;
        o.price = 105;
        o.quantity = 10;
        en.submit(o);
      }
    });
    run(e, s, bars, 0, 2);
    REQUIRE(e.state().fills.size() == 1);
    CHECK(e.state().fills[0].price == (gap ? 107 : 105));
  }
}

TEST_CASE("volatility targeting sizes from the realised volatility known at the signal",
          "[sim][engine]") {
  engine_config c = plain(100000);
  c.sizing = {sizing_rule::kind::vol_target, 0.10, 4, 252};
  c.fractional = true;
  std::vector<bar> bars;
  const double closes[] = {100, 101, 100, 101, 100};
  for (int i = 0; i < 5; ++i) bars.push_back(ohlc(i, closes[i], closes[i], closes[i], closes[i]));
  bars.push_back(ohlc(5, 100, 100, 100, 100));
  engine e(c);
  scripted s([](engine& en, std::size_t i) {
    if (i == 4) en.submit_market(order_target::go_long);
  });
  run(e, s, bars, 0, 5);
  const double a = std::log(1.01);
  const double vol = std::sqrt(4 * a * a / 3 * 252);  // returns +a,-a,+a,-a: mean 0, ddof 1
  const double fraction = 0.10 / vol;
  CHECK(e.position() == Approx(fraction * 100000 / 100).epsilon(1e-12));
}

TEST_CASE("leverage lets the all sizing buy a multiple of equity", "[sim][engine]") {
  engine_config c = plain();
  c.leverage = 2;
  const std::vector<bar> bars = {ohlc(0, 100, 100, 100, 100), ohlc(1, 100, 101, 99, 100)};
  engine e = long_then(bars, c);
  CHECK(e.position() == 200);
  CHECK(e.cash() == -10000);
  CHECK(e.equity() == 10000);
}

TEST_CASE("units sizing is capped at what equity pays for without leverage", "[sim][engine]") {
  engine_config c = plain();
  c.sizing = {sizing_rule::kind::units, 500, 20, 252};
  const std::vector<bar> bars = {ohlc(0, 100, 100, 100, 100), ohlc(1, 100, 101, 99, 100)};
  CHECK(long_then(bars, c).position() == 100);
  c.sizing.value = 30;
  CHECK(long_then(bars, c).position() == 30);
}

TEST_CASE("a bar not later than the last one is ignored", "[sim][engine]") {
  engine e(plain());
  CHECK(e.process_bar(ohlc(1, 100, 100, 100, 100)));
  CHECK_FALSE(e.process_bar(ohlc(1, 100, 100, 100, 100)));
  CHECK_FALSE(e.process_bar(ohlc(0, 100, 100, 100, 100)));
  CHECK(e.state().equity.size() == 1);
}

TEST_CASE("an engine resumed from its saved state continues exactly like the original",
          "[sim][engine]") {
  engine_config c = plain();
  c.allow_short = true;
  c.commission = {commission_model::kind::bps, 5, 0};
  std::vector<bar> bars;
  for (int i = 0; i < 40; ++i) {
    const double p = 100 + 10 * std::sin(i * 0.4);
    bars.push_back(ohlc(i, p, p + 2, p - 2, p + 0.5));
  }
  auto script = [](engine& en, std::size_t i) {
    if (i % 7 == 0) en.submit_market(i % 14 == 0 ? order_target::go_long : order_target::go_short,
                                     {0.03, 0.04});
  };
  engine whole(c);
  scripted s1(script);
  run(whole, s1, bars, 0, 39);

  engine first(c);
  scripted s2(script);
  run(first, s2, bars, 0, 19);
  engine second(c, first.state());
  scripted s3(script);
  run(second, s3, bars, 20, 39);

  CHECK(second.equity() == whole.equity());
  CHECK(second.state().fills.size() == whole.state().fills.size());
  CHECK(second.state().trades.size() == whole.state().trades.size());
}

// A universe trial's combined report from synthetic summaries: every number
// in its rows and pooled line is checked against one worked by hand.

#include <catch2/catch.hpp>

#include <cmath>

#include "actors/agent/universe_table.hpp"
#include "ml/eval/oos_metrics.hpp"

using mlt::actors::comparison;
using mlt::actors::comparison_arm;

namespace {

comparison_arm finished(const char* symbol, std::int64_t id, double acc, double strategy, double buy_hold,
                        bool walk_forward, double ic = 0) {
  comparison_arm a;
  a.label = symbol;
  a.symbol = symbol;
  a.trial_id = mlt::msg::trial_id{id};
  a.done = true;
  auto& s = a.summary;
  s.symbol = symbol;
  s.model = "xgboost";
  s.test.n = 400;
  s.test.accuracy = acc;
  s.test.roc_auc = 0.56;
  s.test.tp = 120;
  s.test.fn = 90;
  s.test.tn = 100;
  s.test.fp = 90;
  s.paper.total_return = strategy;
  s.paper.trades = 7;
  s.buy_hold.total_return = buy_hold;
  if (walk_forward) {
    s.walk_forward.folds.resize(3);
    s.walk_forward.n = 1200;
    s.walk_forward.ic = ic;
    s.walk_forward.ic_se = 0.029;
  }
  return a;
}

comparison three_symbols(const std::string& universe) {
  comparison c;
  c.kind = "universe";
  c.universe = universe;
  c.symbols = {"AAPL", "MSFT", "NVDA"};
  c.arms.push_back(finished("AAPL", 4, 0.55, 0.10, 0.05, true, 0.05));
  comparison_arm failed;
  failed.label = failed.symbol = "MSFT";
  failed.trial_id = mlt::msg::trial_id{5};
  failed.done = failed.failed = true;
  failed.failure = "failed: no bars in range";
  c.arms.push_back(failed);
  c.arms.push_back(finished("NVDA", 6, 0.51, -0.02, 0.20, true, 0.01));
  return c;
}

}  // namespace

TEST_CASE("universe rows carry each symbol's numbers with their standard errors") {
  const auto r = mlt::actors::universe_report_of(three_symbols(""));
  REQUIRE(r.rows.size() == 3);
  const auto& aapl = r.rows[0];
  CHECK(aapl.symbol == "AAPL");
  CHECK(aapl.model == "xgboost");
  CHECK(aapl.trial_id == mlt::msg::trial_id{4});
  CHECK(aapl.finished);
  CHECK(aapl.test_n == 400);
  CHECK(aapl.test_accuracy == Approx(0.55));
  CHECK(aapl.test_accuracy_se == Approx(std::sqrt(0.55 * 0.45 / 400)));
  CHECK(aapl.test_auc_se == Approx(mlt::ml::auc_standard_error(0.56, 210, 190)));
  CHECK(aapl.walk_forward);
  CHECK(aapl.wf_ic == Approx(0.05));
  CHECK(aapl.wf_ic_se == Approx(0.029));
  CHECK(aapl.strategy_return == Approx(0.10));
  CHECK(aapl.buy_hold_return == Approx(0.05));
  CHECK_FALSE(r.rows[1].finished);
  CHECK(r.rows[1].failure == "failed: no bars in range");
}

TEST_CASE("the pooled line is the mean across symbols with the standard error across symbols") {
  const auto r = mlt::actors::universe_report_of(three_symbols(""));
  REQUIRE(r.pooled.size() == 1);
  const auto& p = r.pooled[0];
  CHECK(p.model == "xgboost");
  CHECK(p.symbols == 2);  // the failed arm is not pooled
  CHECK(p.accuracy == Approx(0.53));
  // sd of {0.55, 0.51} is 0.02 * sqrt(2); over sqrt(2) symbols: 0.02.
  CHECK(p.accuracy_se == Approx(0.02));
  CHECK(p.ic_symbols == 2);
  CHECK(p.ic == Approx(0.03));
  CHECK(p.ic_se == Approx(0.02));
  // Excess returns +0.05 and -0.22: mean -0.085, standard error 0.135.
  CHECK(p.excess_return == Approx(-0.085));
  CHECK(p.excess_return_se == Approx(0.135));
  CHECK(p.beat_buy_hold == 1);
}

TEST_CASE("the universe text shows the table, the pooled line and honest caveats") {
  const auto r = mlt::actors::universe_report_of(three_symbols(""));
  const auto& t = r.text;
  INFO(t);
  CHECK(t.find("once per symbol on 3 symbols (2 of 3 trials finished)") != std::string::npos);
  CHECK(t.find("AAPL    #4     55.0% ±2.5") != std::string::npos);
  CHECK(t.find("+0.050 ±0.029") != std::string::npos);  // walk-forward IC
  CHECK(t.find("MSFT    #5     did not finish: failed: no bars in range") != std::string::npos);
  CHECK(t.find("test accuracy 53.0% ±2.0") != std::string::npos);
  CHECK(t.find("strategy minus buy-and-hold -8.5 points ±13.5; 1 of 2 beat buy-and-hold") != std::string::npos);
  CHECK(t.find("a difference inside two standard errors is not evidence") != std::string::npos);
  CHECK(t.find("understates the uncertainty") != std::string::npos);
  CHECK(t.find("survivorship") == std::string::npos);  // symbols named one by one
  CHECK(t.find("Synthetic") == std::string::npos);
  CHECK(t.find("no trades") == std::string::npos);
}

TEST_CASE("a row without trades says so, and symbols that did not run are named") {
  auto c = three_symbols("");
  c.arms[2].summary.paper.trades = 0;
  c.arms[2].summary.paper.total_return = 0;
  c.skipped = {"MSFT (no MSFT.csv in /data and no Polygon key)"};
  const auto r = mlt::actors::universe_report_of(c);
  INFO(r.text);
  CHECK(r.rows[2].trades == 0);
  CHECK(r.rows[0].trades == 7);
  CHECK(r.text.find("no (no trades)") != std::string::npos);
  CHECK(r.text.find("A strategy with no trades stayed in cash") != std::string::npos);
  CHECK(r.skipped == c.skipped);
  CHECK(r.text.find("Not run (no data): MSFT (no MSFT.csv in /data and no Polygon key).") != std::string::npos);
}

TEST_CASE("a named list's report states its date and survivorship bias; synthetic rows are named") {
  auto c = three_symbols("dow30");
  c.arms[2].summary.synthetic = true;
  const auto r = mlt::actors::universe_report_of(c);
  INFO(r.text);
  CHECK(r.universe == "dow30");
  CHECK(r.text.find("as of 2024-11-08") != std::string::npos);
  CHECK(r.text.find("survivorship bias") != std::string::npos);
  CHECK(r.text.find("Synthetic bars, not real prices, stood in for: NVDA") != std::string::npos);
}

TEST_CASE("models × symbols pool each model on its own") {
  comparison c;
  c.kind = "universe";
  c.symbols = {"AAPL", "NVDA"};
  c.models = {"xgboost", "logistic"};
  for (const char* sym : {"AAPL", "NVDA"})
    for (const char* m : {"xgboost", "logistic"}) {
      auto a = finished(sym, static_cast<std::int64_t>(c.arms.size() + 1), std::string(m) == "xgboost" ? 0.54 : 0.50,
                        0.0, 0.1, false);
      a.model = a.summary.model = m;
      c.arms.push_back(a);
    }
  const auto r = mlt::actors::universe_report_of(c);
  REQUIRE(r.pooled.size() == 2);
  CHECK(r.pooled[0].model == "xgboost");
  CHECK(r.pooled[0].symbols == 2);
  CHECK(r.pooled[0].accuracy == Approx(0.54));
  CHECK(r.pooled[0].accuracy_se == Approx(0.0).margin(1e-12));  // equal values: no spread
  CHECK(r.pooled[1].accuracy == Approx(0.50));
  CHECK(r.pooled[0].beat_buy_hold == 0);
  CHECK(r.text.find("model") != std::string::npos);
  CHECK(r.text.find("WF IC") == std::string::npos);  // no walk-forward in these plans
  CHECK(r.text.find("With 4 trials") != std::string::npos);
}

// The rules report rests its verdict on the walk-forward evidence; plans and
// plain words carry the walk-forward settings.
#include <catch2/catch.hpp>

#include <cmath>

#include "actors/brain/brain.hpp"
#include "actors/brain/intent.hpp"
#include "actors/brain/plan_rules.hpp"
#include "actors/brain/report_writer.hpp"
#include "ml/market/universe.hpp"

using namespace mlt;

namespace {

// A test slice that beats the coin-flip band: 60% on 400 rows.
msg::trial_summary lucky_test_slice() {
  msg::trial_summary s;
  s.symbol = "TSLA";
  s.model = "xgboost";
  s.test.n = 400;
  s.test.base_rate = 0.5;
  s.test.tp = 120;
  s.test.tn = 120;
  s.test.fp = 80;
  s.test.fn = 80;
  s.test.accuracy = 0.60;
  s.paper.trades = 30;
  s.paper.total_return = 0.2;
  s.buy_hold.total_return = 0.05;
  return s;
}

msg::walk_forward_result evidence(double accuracy, std::int64_t n, int beating) {
  msg::walk_forward_result r;
  r.window = "expanding";
  r.embargo = 1;
  r.model = "xgboost";
  for (int i = 1; i <= 5; ++i) {
    msg::walk_forward_fold f;
    f.fold = i;
    f.first = "2010-01-0" + std::to_string(i);
    f.last = "2010-02-0" + std::to_string(i);
    f.n = n / 5;
    f.accuracy = accuracy;
    f.majority_rate = 0.5;
    f.beats_majority = i <= beating;
    r.folds.push_back(f);
  }
  r.n = n;
  r.accuracy = accuracy;
  r.accuracy_se = std::sqrt(accuracy * (1 - accuracy) / static_cast<double>(n));
  r.majority_rate = 0.5;
  r.folds_beating_majority = beating;
  r.paper.final_equity = 101000;
  r.paper.total_return = 0.01;
  r.paper.trades = 40;
  r.buy_hold.final_equity = 130000;
  r.buy_hold.total_return = 0.3;
  return r;
}

}  // namespace

TEST_CASE("a model that wins on the test slice and loses walk-forward is called what it is") {
  auto s = lucky_test_slice();
  s.walk_forward = evidence(0.503, 2900, 2);
  const auto r = brain::write_rules_report(s);
  CHECK(r.answer.find("above the 95% band") != std::string::npos);
  CHECK(r.answer.find("the test-slice edge does not hold up walk-forward: pooled accuracy 50.3% ± 0.9% over 2,900 rows, "
                      "2 of 5 folds beat the majority rate") != std::string::npos);
  CHECK(r.recommendations.find("Do not trade this model") != std::string::npos);
  CHECK(r.recommendations.find("Worth a closer look") == std::string::npos);
  CHECK(r.analysis.find("fold 5 2010-01-05..2010-02-05") != std::string::npos);
  CHECK(r.trading_insights.find("walk-forward out-of-sample bars") != std::string::npos);
  CHECK(r.caveats.find("only the last fold, the test part, is untouched") != std::string::npos);
}

TEST_CASE("walk-forward evidence that holds up supports the recommendation; without it the test part decides") {
  auto s = lucky_test_slice();
  s.walk_forward = evidence(0.56, 3000, 5);
  s.walk_forward.paper.total_return = 0.5;  // beats buy-and-hold over the same bars
  auto r = brain::write_rules_report(s);
  CHECK(r.answer.find("Walk-forward over the whole history supports it") != std::string::npos);
  CHECK(r.recommendations.find("Worth a closer look: the edge holds walk-forward") != std::string::npos);

  s.walk_forward = {};
  s.walk_forward.note = "walk-forward evidence could not be built: too few rows";
  r = brain::write_rules_report(s);
  CHECK(r.answer.find("There is no walk-forward evidence (walk-forward evidence could not be built: too few rows)") !=
        std::string::npos);
  CHECK(r.recommendations.find("Worth a closer look") != std::string::npos);
}

TEST_CASE("plain words and plan checks handle the walk-forward settings") {
  const auto known = [](const std::string& t) { return ml::is_known_ticker(t); };
  auto a = brain::parse_intent("use 8 folds", true, known);
  CHECK(a.kind == brain::intent::edit);
  REQUIRE(a.changes.wf_folds);
  CHECK(*a.changes.wf_folds == 8);
  auto b = brain::parse_intent("rolling window walk-forward with three folds", true, known);
  REQUIRE(b.changes.wf_window);
  CHECK(*b.changes.wf_window == "rolling");
  REQUIRE(b.changes.wf_folds);
  CHECK(*b.changes.wf_folds == 3);

  msg::trial_plan p;
  p.symbol = "TSLA";
  CHECK(brain::apply_edit(p, b.changes).empty());
  CHECK(p.wf_folds == 3);
  CHECK(p.wf_window == "rolling");
  CHECK(msg::is_pinned(p, "wf_window"));
  CHECK(brain::describe_plan(p).find("3 fold(s), rolling window") != std::string::npos);
  p.wf_folds = 0;
  CHECK(msg::check_plan(p).find("wf_folds must be 1..20") != std::string::npos);
  p.wf_folds = 5;
  p.wf_window = "sliding";
  CHECK(msg::check_plan(p).find("wf_window 'sliding'") != std::string::npos);
}

TEST_CASE("walk-forward evidence is judged against the better of a coin flip and the pooled majority rate") {
  auto s = lucky_test_slice();
  s.test.accuracy = 0.5;
  s.walk_forward = evidence(0.515, 3000, 3);
  s.walk_forward.majority_rate = 0.56;  // always-up would have scored 56% on these rows
  auto r = brain::write_rules_report(s);
  CHECK(r.answer.find("Walk-forward over the whole history is below the 95% band around the majority-class rate 56.0%") !=
        std::string::npos);
  s.walk_forward.majority_rate = 0.5;
  r = brain::write_rules_report(s);
  CHECK(r.answer.find("shows no edge either: pooled accuracy 51.5% ± 0.9% over 3,000 rows, 3 of 5 folds beat the "
                      "majority rate, inside the 95% band around a coin flip") != std::string::npos);
}

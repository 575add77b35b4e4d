#include <catch2/catch.hpp>

#include "actors/brain/brain.hpp"
#include "actors/brain/plan_rules.hpp"
#include "actors/brain/thresholds.hpp"

using namespace mlt;

TEST_CASE("volatility regimes follow the documented thresholds") {
  using brain::thresholds::classify_regime;
  CHECK(classify_regime(0.60, 0.55) == "high");
  CHECK(classify_regime(0.25, 0.45) == "high");  // recent spike
  CHECK(classify_regime(0.10, 0.11) == "low");
  CHECK(classify_regime(0.25, 0.27) == "normal");
}

TEST_CASE("the rules brain picks train_ratio from the regime unless the person pinned it") {
  auto b = brain::make_rules_brain();
  msg::volatility_report r;
  r.regime = "high";
  r.vol_annual = 0.6;
  r.plan.train_ratio = 0.7;
  auto d = b->on_volatility(r);
  CHECK(d.action == "set_train_ratio");
  CHECK(d.params.at("train_ratio") == Approx(brain::thresholds::train_ratio_high));
  CHECK(d.brain == "rules");

  r.regime = "normal";
  CHECK(b->on_volatility(r).action == "continue");

  r.regime = "high";
  r.plan.pinned = {"train_ratio"};
  CHECK(b->on_volatility(r).action == "continue");
}

TEST_CASE("checkpoint decisions react to overfitting and stalls") {
  auto b = brain::make_rules_brain();
  msg::progress_report p;
  p.model = "xgboost";
  p.train_loss = 0.60;
  p.val_loss = 0.70;
  p.val_loss_history = {0.69};
  auto d = b->on_progress(p);
  CHECK(d.action == "modify");
  CHECK(d.params.count("max_depth"));
  p.modifications = 1;
  CHECK(b->on_progress(p).action == "stop");

  msg::progress_report stall;
  stall.model = "xgboost";
  stall.train_loss = 0.690;
  stall.val_loss = 0.6925;
  stall.val_loss_history = {0.6921, 0.6922, 0.6923};
  CHECK(b->on_progress(stall).action == "stop");

  msg::progress_report fine;
  fine.model = "xgboost";
  fine.train_loss = 0.68;
  fine.val_loss = 0.685;
  fine.val_loss_history = {0.69};
  CHECK(b->on_progress(fine).action == "continue");
}

TEST_CASE("weak validation results lead to switch, retrain, optimize, then acceptance") {
  auto b = brain::make_rules_brain();
  msg::initial_results r;
  r.model = "xgboost";
  r.val.n = 400;
  r.val.base_rate = 0.5;
  r.val.tp = r.val.fp = r.val.tn = r.val.fn = 100;
  r.val.accuracy = 0.51;
  r.train.accuracy = 0.55;
  r.budget_left = 5;
  r.attempt = 1;
  r.tried_models = {"xgboost"};
  auto d1 = b->on_initial_results(r);
  CHECK(d1.action == "switch_model");
  CHECK(d1.model == "logistic");

  r.model = "logistic";
  r.attempt = 2;
  r.tried_models = {"xgboost", "logistic"};
  CHECK(b->on_initial_results(r).action == "retrain");
  r.attempt = 3;
  CHECK(b->on_initial_results(r).action == "optimize");
  r.attempt = 4;
  CHECK(b->on_initial_results(r).action == "continue");

  // A clear edge (0.60 on 400 rows is 4 standard errors) is accepted at once.
  r.model = "xgboost";
  r.attempt = 1;
  r.val.accuracy = 0.60;
  r.train.accuracy = 0.62;
  CHECK(b->on_initial_results(r).action == "continue");

  // No budget: continue.
  r.val.accuracy = 0.5;
  r.budget_left = 0;
  CHECK(b->on_initial_results(r).action == "continue");
}

TEST_CASE("impossible plans are refused with a reason") {
  msg::trial_plan p;
  p.symbol = "TSLA";
  brain::plan_edit e;
  e.train_ratio = 7.0;
  auto why = brain::apply_edit(p, e);
  CHECK(why.find("train_ratio") != std::string::npos);
  CHECK(p.train_ratio == 0.7);  // unchanged

  brain::plan_edit range;
  range.start = "2020-01-01";
  range.end = "2020-03-01";
  CHECK(brain::apply_edit(p, range).find("bars") != std::string::npos);

  brain::plan_edit model;
  model.model = "gpt";
  CHECK(brain::apply_edit(p, model).find("not available") != std::string::npos);

  brain::plan_edit ok;
  ok.train_ratio = 0.6;
  CHECK(brain::apply_edit(p, ok).empty());
  CHECK(p.train_ratio == 0.6);
  CHECK(msg::is_pinned(p, "train_ratio"));
}

TEST_CASE("the report states the coin-flip band and marks synthetic data") {
  auto b = brain::make_rules_brain();
  msg::trial_summary s;
  s.symbol = "TSLA";
  s.model = "xgboost";
  s.synthetic = true;
  s.test.n = 400;
  s.test.base_rate = 0.5;
  s.test.tp = s.test.fp = s.test.tn = s.test.fn = 100;
  s.test.accuracy = 0.51;
  s.configurations_tried = 3;
  auto r = b->on_result(s);
  CHECK(r.answer.find("inside the 95% band around a coin flip") != std::string::npos);
  CHECK(r.caveats.find("SYNTHETIC") != std::string::npos);
  CHECK(r.caveats.find("multiple testing") != std::string::npos);
  s.test.accuracy = 0.60;
  CHECK(b->on_result(s).answer.find("above the 95% band") != std::string::npos);
}

TEST_CASE("a model that predicts one class only is not credited with the base rate") {
  auto b = brain::make_rules_brain();
  msg::trial_summary s;
  s.symbol = "TSLA";
  s.model = "logistic";
  s.test.n = 378;
  s.test.base_rate = 0.42;
  s.test.accuracy = 0.58;  // always "down" on a falling market
  s.test.tn = 219;
  s.test.fn = 159;
  auto r = b->on_result(s);
  CHECK(r.answer.find("no skill") != std::string::npos);
  CHECK(r.answer.find("evidence of predictive signal") == std::string::npos);

  msg::initial_results q;
  q.model = "logistic";
  q.val = s.test;
  q.budget_left = 3;
  q.attempt = 4;
  CHECK(b->on_initial_results(q).action == "continue");
  q.attempt = 2;
  CHECK(b->on_initial_results(q).action != "continue");
}

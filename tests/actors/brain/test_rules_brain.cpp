#include <catch2/catch.hpp>

#include "messages/negotiation_checks.hpp"

#include "actors/brain/brain.hpp"
#include "actors/brain/plan_rules.hpp"
#include "actors/brain/thresholds.hpp"
#include "ml/models/model.hpp"

#include <algorithm>
#include <limits>
#include <set>

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
  CHECK(d.action == msg::action::set_train_ratio);
  CHECK(d.params.at("train_ratio") == Approx(brain::thresholds::train_ratio_high));
  CHECK(d.brain == "rules");

  r.regime = "normal";
  CHECK(b->on_volatility(r).action == msg::action::continue_trial);

  r.regime = "high";
  r.plan.pinned = {"train_ratio"};
  CHECK(b->on_volatility(r).action == msg::action::continue_trial);
}

TEST_CASE("checkpoint decisions react to overfitting and stalls") {
  auto b = brain::make_rules_brain();
  msg::progress_report p;
  p.model = "xgboost";
  p.train_loss = 0.60;
  p.val_loss = 0.70;
  p.val_loss_history = {0.69};
  auto d = b->on_progress(p);
  CHECK(d.action == msg::action::modify);
  CHECK(d.params.count("max_depth"));
  p.modifications = 1;
  CHECK(b->on_progress(p).action == msg::action::stop);

  msg::progress_report stall;
  stall.model = "xgboost";
  stall.train_loss = 0.690;
  stall.val_loss = 0.6925;
  stall.val_loss_history = {0.6921, 0.6922, 0.6923};
  CHECK(b->on_progress(stall).action == msg::action::stop);

  msg::progress_report fine;
  fine.model = "xgboost";
  fine.train_loss = 0.68;
  fine.val_loss = 0.685;
  fine.val_loss_history = {0.69};
  CHECK(b->on_progress(fine).action == msg::action::continue_trial);
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
  CHECK(d1.action == msg::action::switch_model);
  CHECK(d1.model == "logistic");

  r.model = "logistic";
  r.attempt = 2;
  r.tried_models = {"xgboost", "logistic"};
  CHECK(b->on_initial_results(r).action == msg::action::retrain);
  r.attempt = 3;
  CHECK(b->on_initial_results(r).action == msg::action::optimize);
  r.attempt = 4;
  CHECK(b->on_initial_results(r).action == msg::action::continue_trial);

  // A clear edge (0.60 on 400 rows is 4 standard errors) is accepted at once.
  r.model = "xgboost";
  r.attempt = 1;
  r.val.accuracy = 0.60;
  r.train.accuracy = 0.62;
  CHECK(b->on_initial_results(r).action == msg::action::continue_trial);

  // No budget: continue.
  r.val.accuracy = 0.5;
  r.budget_left = 0;
  CHECK(b->on_initial_results(r).action == msg::action::continue_trial);
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
  CHECK(r.caveats.find("This trial fitted 3 configuration(s); the daemon-wide count for TSLA could not be read") !=
        std::string::npos);
  // Both counts behind the deflated Sharpe ratio, and which rows chose what.
  s.daemon_tested = {"TSLA", "direction-1d", 212, 200, 30, 0.0012};
  s.validation_use = {{"early stopping and checkpoint losses", "2013-01-02", "2015-06-30", 620},
                      {"configuration choice", "2015-07-02", "2016-12-30", 380}};
  r = b->on_result(s);
  CHECK(r.caveats.find("This trial fitted 3 configuration(s); 212 have been fitted for TSLA direction-1d on this "
                       "daemon (in 30 trial(s), comparison arms included), 12 of them without a measured") !=
        std::string::npos);
  CHECK(r.analysis.find("early stopping and checkpoint losses 2013-01-02 .. 2015-06-30 (620 rows); configuration "
                        "choice 2015-07-02 .. 2016-12-30 (380 rows)") != std::string::npos);
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
  CHECK(b->on_initial_results(q).action == msg::action::continue_trial);
  q.attempt = 2;
  CHECK(b->on_initial_results(q).action != msg::action::continue_trial);
}

TEST_CASE("negotiation refuses impossible plans with a reason (table)") {
  struct row {
    const char* what;
    brain::plan_edit edit;
    const char* reason_contains;  // "" = accepted
  };
  auto edit = [](auto f) {
    brain::plan_edit e;
    f(e);
    return e;
  };
  const row rows[] = {
      {"train_ratio below 0.5", edit([](auto& e) { e.train_ratio = 0.4; }), "between 0.5 and 0.9"},
      {"train_ratio above 0.9", edit([](auto& e) { e.train_ratio = 0.95; }), "between 0.5 and 0.9"},
      {"train_ratio 0.8", edit([](auto& e) { e.train_ratio = 0.8; }), ""},
      {"end before start", edit([](auto& e) { e.start = "2022-01-01"; e.end = "2020-01-01"; }), "not after"},
      {"one year for lstm", edit([](auto& e) { e.model = "lstm"; e.start = "2021-01-01"; e.end = "2022-06-30"; }),
       "lstm needs at least 500"},
      {"one and a half years for xgboost", edit([](auto& e) { e.start = "2021-01-01"; e.end = "2022-06-30"; }), ""},
      {"four years for the transformer",
       edit([](auto& e) { e.model = "transformer"; e.start = "2018-01-01"; e.end = "2021-12-31"; }), ""},
      {"unknown model", edit([](auto& e) { e.model = "random forest"; }), "not available"},
      {"horizon 100", edit([](auto& e) { e.horizon = 100; }), "horizon"},
      {"negative slippage", edit([](auto& e) { e.slippage_bps = -1; }), "slippage"},
      {"optimise an lstm", edit([](auto& e) { e.model = "lstm"; e.optimize = true; }), ""},
      {"optimise the majority baseline", edit([](auto& e) { e.model = "majority"; e.optimize = true; }),
       "nothing to tune in majority"},
      {"optimise xgboost", edit([](auto& e) { e.optimize = true; }), ""},
      {"lookback of zero days", edit([](auto& e) { e.lookback_days = 0; }), "out of range"},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    msg::trial_plan p;
    p.symbol = "TSLA";
    auto before = p.train_ratio;
    auto why = brain::apply_edit(p, r.edit);
    if (*r.reason_contains) {
      CHECK(why.find(r.reason_contains) != std::string::npos);
      CHECK(p.train_ratio == before);
    } else {
      CHECK(why.empty());
    }
  }
}

TEST_CASE("last N years counts back from the plan's end or the data's last date") {
  msg::trial_plan p;
  p.symbol = "SPY";
  brain::plan_edit e;
  e.lookback_days = 3 * 365;
  REQUIRE(brain::apply_edit(p, e, "2024-06-28").empty());
  CHECK(p.start == "2021-06-29");
  CHECK(p.end == "2024-06-28");
  msg::trial_plan q;
  q.symbol = "SPY";
  q.end = "2020-12-31";
  REQUIRE(brain::apply_edit(q, e, "2024-06-28").empty());
  CHECK(q.start == "2018-01-01");
}

TEST_CASE("the rules brain optimises first when the person asked for it") {
  auto b = brain::make_rules_brain();
  msg::volatility_report v;
  v.trial_id = mlt::msg::trial_id{9};
  v.regime = "normal";
  v.plan.symbol = "AAPL";
  brain::plan_edit e;
  e.optimize = true;
  REQUIRE(brain::apply_edit(v.plan, e).empty());
  CHECK(brain::wants_optimize(v.plan));
  b->on_volatility(v);
  msg::initial_results r;
  r.trial_id = mlt::msg::trial_id{9};
  r.model = "xgboost";
  r.attempt = 1;
  r.budget_left = 4;
  r.val.n = 400;
  r.val.base_rate = 0.5;
  r.val.tp = r.val.fp = r.val.tn = r.val.fn = 100;
  r.val.accuracy = 0.60;
  r.train.accuracy = 0.62;
  auto d = b->on_initial_results(r);
  CHECK(d.action == msg::action::optimize);
  CHECK(d.params.at("budget") == Approx(msg::plan_limits::optimize_budget));
  r.trial_id = mlt::msg::trial_id{10};  // another trial without the request: a clear edge is accepted
  CHECK(b->on_initial_results(r).action == msg::action::continue_trial);
}

TEST_CASE("checkpoint decisions (table)") {
  struct row {
    const char* what;
    const char* model;
    double train_loss, val_loss;
    std::vector<double> history;
    int modifications;
    const char* action;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const row rows[] = {
      {"healthy", "xgboost", 0.68, 0.685, {0.69}, 0, "continue"},
      {"overfitting xgboost", "xgboost", 0.60, 0.70, {0.69}, 0, "modify"},
      {"overfitting lstm gets dropout", "lstm", 0.55, 0.70, {0.69}, 0, "modify"},
      {"still overfitting", "lstm", 0.55, 0.71, {0.70}, 1, "stop"},
      {"gap but falling", "xgboost", 0.60, 0.68, {0.69}, 0, "continue"},
      {"stalled", "xgboost", 0.690, 0.6925, {0.6921, 0.6922, 0.6923}, 0, "stop"},
      {"diverged", "lstm", nan, 0.7, {0.69}, 0, "stop"},
  };
  auto b = brain::make_rules_brain();
  for (const auto& r : rows) {
    INFO(r.what);
    msg::progress_report p;
    p.model = r.model;
    p.train_loss = r.train_loss;
    p.val_loss = r.val_loss;
    p.val_loss_history = r.history;
    p.modifications = r.modifications;
    auto d = b->on_progress(p);
    CHECK(std::string(msg::to_string(d.action)) == r.action);
    CHECK(d.brain == "rules");
    CHECK_FALSE(d.reason.empty());
    // The rules brain passes the same check as every other brain.
    auto checked = d;
    CHECK(msg::check_decision(checked, {msg::question::progress, r.model}).empty());
  }
}

TEST_CASE("a rules report names its brain and zero tokens") {
  auto b = brain::make_rules_brain();
  msg::trial_summary s;
  s.symbol = "SPY";
  s.model = "xgboost";
  s.test.n = 300;
  s.test.base_rate = 0.5;
  s.test.tp = s.test.fp = s.test.tn = s.test.fn = 75;
  s.test.accuracy = 0.5;
  auto r = b->on_result(s);
  CHECK(r.brain == "rules");
  CHECK(r.input_tokens == 0);
  CHECK(r.output_tokens == 0);
  CHECK(r.llm_calls == 0);
  CHECK(r.caveats.find("0 tokens") != std::string::npos);
  for (const auto* part : {&r.answer, &r.analysis, &r.trading_insights, &r.recommendations, &r.caveats})
    CHECK_FALSE(part->empty());
}

namespace {

// Validation results with no edge: 0.51 on 400 rows, both classes predicted.
msg::initial_results no_edge(const std::string& model, std::size_t train_rows, std::vector<std::string> tried) {
  msg::initial_results r;
  r.model = model;
  r.val.n = 400;
  r.val.base_rate = 0.5;
  r.val.tp = r.val.fp = r.val.tn = r.val.fn = 100;
  r.val.accuracy = 0.51;
  r.train.accuracy = 0.53;
  r.train.n = train_rows;
  r.budget_left = 5;
  r.attempt = 1;
  r.tried_models = std::move(tried);
  return r;
}

}  // namespace

TEST_CASE("switch_model climbs the capacity ladder as far as the training rows allow") {
  namespace th = brain::thresholds;
  auto b = brain::make_rules_brain();
  // A linear model without an edge and without overfitting: try a non-linear one.
  auto d = b->on_initial_results(no_edge("logistic", 1000, {"logistic"}));
  CHECK(d.action == msg::action::switch_model);
  CHECK(d.model == "xgboost");
  CHECK(d.reason.find("more flexible") != std::string::npos);

  // Enough rows for the LSTM but not for the Transformer: the reason names both numbers.
  d = b->on_initial_results(no_edge("xgboost", th::lstm_min_train_rows, {"xgboost"}));
  CHECK(d.model == "lstm");
  CHECK(d.reason.find(std::to_string(th::lstm_min_train_rows) + " training rows") != std::string::npos);
  CHECK(d.reason.find("transformer needs at least " + std::to_string(th::transformer_min_train_rows)) !=
        std::string::npos);

  // With the LSTM tried and rows enough, the Transformer.
  d = b->on_initial_results(no_edge("xgboost", th::transformer_min_train_rows, {"lstm", "xgboost"}));
  CHECK(d.model == "transformer");

  // Too few rows for any net: back down the ladder, never to a net.
  d = b->on_initial_results(no_edge("xgboost", th::lstm_min_train_rows - 1, {"xgboost"}));
  CHECK(d.model == "logistic");
  CHECK(d.reason.find("lstm needs at least") != std::string::npos);
}

TEST_CASE("switch_model answers overfitting with a simpler model or the ensemble's average") {
  auto b = brain::make_rules_brain();
  auto r = no_edge("xgboost", 5000, {"xgboost"});
  r.train.accuracy = 0.62;  // 11 points above validation: variance (below the retrain gap)
  auto d = b->on_initial_results(r);
  CHECK(d.action == msg::action::switch_model);
  CHECK(d.model == "logistic");
  CHECK(d.reason.find("variance") != std::string::npos);
  r.tried_models = {"logistic", "xgboost"};
  d = b->on_initial_results(r);
  CHECK(d.model == "ensemble");
  // An overfitting LSTM steps down to xgboost, not up to the Transformer.
  r.model = "lstm";
  r.tried_models = {"lstm"};
  CHECK(b->on_initial_results(r).model == "xgboost");
}

TEST_CASE("switch_model considers every model and never one already tried") {
  auto b = brain::make_rules_brain();
  std::set<std::string> reached;
  const auto names = ml::model_names();
  for (const auto& current : names)
    for (std::size_t rows : {std::size_t(500), std::size_t(2500), std::size_t(6000)})
      for (double train_acc : {0.53, 0.62})
        for (std::size_t k = 0; k <= names.size(); ++k) {
          // Tried: the current model and the first k others.
          std::vector<std::string> tried = {current};
          for (std::size_t i = 0; i < k && i < names.size(); ++i)
            if (names[i] != current) tried.push_back(names[i]);
          auto r = no_edge(current, rows, tried);
          r.train.accuracy = train_acc;
          const auto d = b->on_initial_results(r);
          if (d.action != msg::action::switch_model) continue;
          INFO(current << " -> " << d.model << ": " << d.reason);
          CHECK(std::find(tried.begin(), tried.end(), d.model) == tried.end());
          CHECK(d.model != "majority");
          CHECK(ml::make_model(d.model) != nullptr);
          if (d.model == "lstm") CHECK(rows >= static_cast<std::size_t>(brain::thresholds::lstm_min_train_rows));
          if (d.model == "transformer")
            CHECK(rows >= static_cast<std::size_t>(brain::thresholds::transformer_min_train_rows));
          reached.insert(d.model);
        }
  CHECK(reached == std::set<std::string>{"logistic", "xgboost", "lstm", "transformer", "ensemble"});

  // Every model tried: no switch; the brain moves on.
  std::vector<std::string> all(names.begin(), names.end());
  CHECK(b->on_initial_results(no_edge("xgboost", 6000, all)).action != msg::action::switch_model);
}

TEST_CASE("nets and the ensemble are retrained and optimised like the other models") {
  auto b = brain::make_rules_brain();
  auto r = no_edge("lstm", 3000, {"xgboost", "lstm"});
  r.attempt = 2;
  auto d = b->on_initial_results(r);
  CHECK(d.action == msg::action::retrain);
  CHECK(d.params.count("dropout") == 1);
  r.attempt = 3;
  d = b->on_initial_results(r);
  CHECK(d.action == msg::action::optimize);
  CHECK(d.params.at("budget") == msg::plan_limits::optimize_budget);
  r.model = "majority";
  CHECK(b->on_initial_results(r).action == msg::action::continue_trial);  // nothing to tune
}

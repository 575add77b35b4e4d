#pragma once
/// The engine's partners as scripts: a loader that serves SPY's real daily
/// bars, a trainer whose every fit runs the same three measured rounds, a
/// paper trader with fixed numbers, and an agent that answers each question
/// with the decision the test put in its script. All run on the test
/// coordinator, so the test decides when each of them takes a message.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/fwd.hpp"
#include "messages/negotiation.hpp"
#include "messages/type_ids.hpp"
#include "tests/actors/dsl_fixture.hpp"

namespace mlt::test {

using actors::data_loader_actor;
using actors::engine_actor;
using actors::paper_trader_actor;
using actors::trainer_actor;

/// What the scripted trainer answers.
struct trainer_script {
  msg::prepared prep;
  /// The rounds of every fit, from its first step: the second measured
  /// round is a checkpoint (the engine asks at the 2nd, 4th, ... one).
  std::vector<msg::fit_progress> rounds;
  std::size_t next_round = 0;
  std::string model;  ///< of the fit in progress
  std::map<std::string, double> params;
  std::size_t bars = 0;  ///< of the prepared series, for the test rows
  ml::classification_metrics train, val, test;
};

inline msg::fit_progress round(std::int32_t step, double train_loss, double val_loss, bool done) {
  msg::fit_progress p;
  p.step = step;
  p.total = 3;
  p.train_loss = train_loss;
  p.val_loss = val_loss;
  p.val_accuracy = 0.53;
  p.measured = true;
  p.done = done;
  p.fraction = step / 3.0;
  p.unit = "round";
  return p;
}

inline std::shared_ptr<trainer_script> default_trainer_script() {
  auto s = std::make_shared<trainer_script>();
  s->prep.features = 40;
  s->prep.usable_rows = 5000;
  s->prep.vol_annual = 0.19;
  s->prep.vol_recent = 0.14;
  s->prep.vol_first_date = "1999-12-01";
  s->prep.vol_last_date = "2010-06-30";
  s->prep.recent_first_date = "2010-03-31";
  s->rounds = {round(1, 0.690, 0.693, false), round(2, 0.684, 0.691, false), round(3, 0.680, 0.690, true)};
  s->train.n = 3600;
  s->train.accuracy = 0.56;
  s->val.n = 780;
  s->val.accuracy = 0.54;
  s->val.roc_auc = 0.55;
  s->test.n = 780;
  s->test.accuracy = 0.52;
  s->test.roc_auc = 0.53;
  return s;
}

inline trainer_actor::behavior_type scripted_trainer(trainer_actor::pointer, std::shared_ptr<trainer_script> s) {
  return {
      [=](msg::prepare_request& r) {
        s->bars = r.series->bars.size();
        auto p = s->prep;
        p.trial_id = r.trial_id;
        return p;
      },
      [=](msg::fit_request& r) {
        s->next_round = 0;
        s->model = r.model;
        s->params = r.params;
        msg::fit_started st;
        st.trial_id = r.trial_id;
        st.model = r.model;
        st.params = r.params;
        st.train_rows = 3600;
        st.val_rows = 780;
        st.test_rows = 780;
        st.train_range = "1999-12-01 .. 2014-04-30";
        st.val_range = "2014-05-01 .. 2017-06-01";
        st.test_range = "2017-06-02 .. 2020-06-30";
        st.leakage_audit = "Leakage audit passed (scripted).";
        st.target = "direction-1d";
        return st;
      },
      [=](msg::fit_step_request& r) {
        auto p = s->rounds.at(std::min(s->next_round++, s->rounds.size() - 1));
        p.trial_id = r.trial_id;
        return p;
      },
      [=](msg::fit_stop_request& r) {
        return msg::fit_kept{r.trial_id, 3, 0.690, "round", "the model of round 3"};
      },
      [=](msg::optimize_request& r) {
        return msg::optimize_outcome{r.trial_id, {{"max_depth", 3}}, 0.52, r.budget, "scripted search"};
      },
      [=](msg::evaluate_request& r) {
        msg::evaluation ev;
        ev.trial_id = r.trial_id;
        ev.model = s->model;
        ev.params = s->params;
        ev.train = s->train;
        ev.val = s->val;
        ev.parameter_count = 120;
        if (r.include_test) {
          ev.test = s->test;
          for (std::size_t i = s->bars - 40; i + 1 < s->bars; ++i) {
            ev.test_bar_index.push_back(i);
            ev.test_prob.push_back(i % 2 ? 0.55 : 0.45);
          }
        }
        return ev;
      },
      // One fold, the test part, done in one step.
      [=](msg::walk_forward_request& r) {
        msg::walk_forward_fold f;
        f.fold = 1;
        f.train_first = "1999-12-01";
        f.train_last = "2017-06-01";
        f.first = "2017-06-02";
        f.last = "2020-06-30";
        f.n = 780;
        return msg::walk_forward_started{r.trial_id, {f}};
      },
      [=](msg::walk_forward_step_request& r) {
        msg::walk_forward_progress p;
        p.trial_id = r.trial_id;
        p.fold = p.folds = 1;
        p.fold_done = p.all_done = true;
        p.result.fold = 1;
        p.result.n = 780;
        return p;
      },
      [=](msg::walk_forward_collect& r) {
        msg::walk_forward_outcome out;
        out.trial_id = r.trial_id;
        out.result.n = 780;
        out.bar_index = {s->bars - 3, s->bars - 2};
        out.prob = {0.55, 0.45};
        return out;
      },
  };
}

inline data_loader_actor::behavior_type scripted_loader(data_loader_actor::pointer) {
  return {[](msg::load_bars_request&) { return spy_bars(); }};
}

inline paper_trader_actor::behavior_type scripted_paper(paper_trader_actor::pointer) {
  return {
      [](msg::paper_request& r) {
        msg::paper_outcome po;
        po.trial_id = r.trial_id;
        po.stats.total_return = 0.04;
        po.stats.sharpe = 0.6;
        po.stats.max_drawdown = 0.08;
        po.stats.trades = 12;
        po.buy_hold.total_return = 0.05;
        return po;
      },
      [](msg::portfolio_request&) { return std::string("no portfolio (scripted)"); },
  };
}

/// The agent's answers, set by the test before the question comes.
struct agent_script {
  msg::decision volatility, progress, results;
  std::vector<msg::trial_failed> failures;
};

inline msg::decision answer(msg::action a, std::string reason, std::map<std::string, double> params = {},
                            std::string model = "") {
  msg::decision d;
  d.action = a;
  d.reason = std::move(reason);
  d.params = std::move(params);
  d.model = std::move(model);
  d.brain = "scripted";
  return d;
}

inline caf::behavior scripted_agent(caf::event_based_actor*, std::shared_ptr<agent_script> s) {
  return {
      [=](msg::volatility_report&) { return s->volatility; },
      [=](msg::progress_report&) { return s->progress; },
      [=](msg::initial_results&) { return s->results; },
      [=](msg::trial_summary& sum) {
        msg::final_report r;
        r.trial_id = sum.trial_id;
        r.answer = "Scripted report on " + sum.symbol + ".";
        r.brain = "scripted";
        return r;
      },
      [=](msg::trial_failed& f) { s->failures.push_back(f); },
  };
}

}  // namespace mlt::test

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include <caf/all.hpp>

#include "actors/fit_pool.hpp"
#include "actors/fwd.hpp"
#include "actors/harden.hpp"
#include "actors/spawn_mode.hpp"
#include "actors/trainer_walk_forward.hpp"
#include "messages/errors.hpp"
#include "messages/type_ids.hpp"
#include "ml/eval/dataset.hpp"
#include "ml/eval/leakage_audit.hpp"
#include "ml/eval/volatility.hpp"
#include "messages/plan.hpp"
#include "ml/eval/walk_forward.hpp"
#include "ml/models/optimize.hpp"
#include "ml/eval/metrics.hpp"
#include "ml/features/feature_matrix.hpp"
#include "ml/models/artifact.hpp"
#include "ml/models/ensemble_model.hpp"
#include "ml/sim/stats.hpp"
#include "ml/models/model.hpp"

namespace mlt::actors {

namespace {

struct trainer_state {
  msg::trial_id trial_id;
  msg::shared_bars series;  ///< the engine's, shared read-only
  ml::feature_matrix features;
  ml::dataset_splits splits;
  ml::validation_use val_use;     ///< validation rows: early stopping | configuration choice
  std::unique_ptr<ml::model> model;
  std::string model_name;
  int horizon = 1;
  /// Every configuration evaluated on validation, restorable for the test.
  struct snapshot {
    std::string model;
    double val_log_loss = 0;
    std::string state;
  };
  std::vector<snapshot> snapshots;
  /// The walk-forward evidence in progress, and what it was asked for.
  std::unique_ptr<ml::walk_forward_run> wf;
  msg::walk_forward_request wf_request;
  /// Shared with the daemon's other trainers; empty = fits run here.
  fit_workers workers;
  static inline const char* name = "trainer";
};

using trainer_self = trainer_actor::stateful_pointer<trainer_state>;

caf::error fail(const std::string& what) { return caf::make_error(msg::errc::train_failed, what); }

std::string range_of(const ml::bar_series& s, const ml::dataset& d) {
  if (d.bar_index.empty()) return "empty";
  return ml::format_date(s.bars[d.bar_index.front()].time) + " .. " + ml::format_date(s.bars[d.bar_index.back()].time);
}

msg::row_use use_of(const ml::bar_series& s, const ml::dataset& d, std::size_t begin, std::size_t end,
                    std::string purpose) {
  msg::row_use u;
  u.purpose = std::move(purpose);
  end = std::min(end, d.bar_index.size());
  if (begin < end) {
    u.first_date = ml::format_date(s.bars[d.bar_index[begin]].time);
    u.last_date = ml::format_date(s.bars[d.bar_index[end - 1]].time);
    u.rows = static_cast<std::int64_t>(end - begin);
  }
  return u;
}

// Which validation rows choose what for `model`: the fit's own rows (inside an
// ensemble shared again between its members and its combiner, by the rule the
// ensemble itself applies), then the rows that choose between configurations.
std::vector<msg::row_use> validation_use_of(const trainer_state& st, const std::string& model) {
  std::vector<msg::row_use> out;
  const ml::dataset& es = st.val_use.early_stop;
  const auto n = static_cast<std::size_t>(es.rows());
  if (model == "ensemble") {
    const auto share = ml::ensemble_model::validation_shares(n, st.horizon);
    out.push_back(use_of(st.series, es, 0, share.first_end, "early stopping of the ensemble's members"));
    out.push_back(use_of(st.series, es, share.second_begin, n, "ensemble weights / stacker"));
  } else {
    out.push_back(use_of(st.series, es, 0, n, "early stopping and checkpoint losses"));
  }
  const ml::dataset& sel = st.val_use.select;
  out.push_back(use_of(st.series, sel, 0, sel.bar_index.size(),
                       "configuration choice (validation metrics, the agent's decisions, the snapshot kept)"));
  return out;
}

// The signal Sharpe of P(up) on the configuration-choice rows, one bar held.
double choice_rows_sharpe(const trainer_state& st, const Eigen::VectorXd& p_select) {
  const auto& bars = st.series->bars;
  const auto& idx = st.val_use.select.bar_index;
  std::vector<double> p, r;
  for (std::size_t i = 0; i < idx.size() && i < static_cast<std::size_t>(p_select.size()); ++i) {
    const std::size_t t = idx[i];
    if (t + 1 >= bars.size() || !(bars[t].close > 0)) continue;
    p.push_back(p_select[static_cast<Eigen::Index>(i)]);
    r.push_back(bars[t + 1].close / bars[t].close - 1);
  }
  return ml::sim::signal_sharpe(p, r);
}

// The split boundaries must leave `h` bars between the last label of one part
// and the first features of the next, or labels leak across.
std::string audit_splits(const ml::dataset_splits& sp, int h, bool& passed) {
  passed = true;
  auto gap_ok = [&](const ml::dataset& a, const ml::dataset& b) {
    if (a.bar_index.empty() || b.bar_index.empty()) return true;
    return b.bar_index.front() >= a.bar_index.back() + static_cast<std::size_t>(h);
  };
  auto ordered = [](const ml::dataset& d) { return std::is_sorted(d.bar_index.begin(), d.bar_index.end()); };
  if (!gap_ok(sp.train, sp.val) || !gap_ok(sp.val, sp.test) || !ordered(sp.train) || !ordered(sp.val) ||
      !ordered(sp.test))
    passed = false;
  return passed ? "Leakage audit passed: parts are in time order with an embargo of " + std::to_string(h) +
                      " bar(s); scaler fitted on training rows only."
                : "Leakage audit FAILED: split boundaries do not respect the embargo.";
}

// P(up) for every row of train, validation and test, predicted in one pass
// over the rows in time order. Sequence models read windows of earlier rows,
// so the first validation and test rows see the bars before them (across the
// embargo gap) instead of zero padding; row-wise models are unaffected.
struct all_predictions {
  Eigen::VectorXd train, val, test;
};

all_predictions predict_all(const ml::model& m, const ml::dataset_splits& sp, bool include_test) {
  // Until the final evaluation the test rows are not even fed to the model.
  const auto a = sp.train.rows(), b = sp.val.rows(), c = include_test ? sp.test.rows() : 0;
  Eigen::MatrixXd x(a + b + c, sp.train.x.cols());
  x.topRows(a) = sp.train.x;
  x.middleRows(a, b) = sp.val.x;
  if (c > 0) x.bottomRows(c) = sp.test.x;
  const Eigen::VectorXd p = m.predict_proba(x);
  return {p.head(a), p.segment(a, b), p.tail(c)};
}

// The numbers of the volatility question, as the engine asks it.
ml::question_fn volatility_question(int horizon) {
  return [horizon](const ml::bar_series& s) {
    const auto w = ml::training_volatility(s, ml::build_default_features(s), horizon, msg::plan_limits::min_train_ratio);
    return std::vector<double>{w.vol_annual, w.vol_recent, double(w.first_bar), double(w.last_bar), double(s.bars.size())};
  };
}

ml::classification_metrics score(const Eigen::VectorXd& y, const Eigen::VectorXd& p) {
  if (y.size() == 0) return {};
  return ml::evaluate_classification(y, p);
}

caf::result<msg::prepared> on_prepare(trainer_self self, msg::prepare_request& m) {
  auto& st = self->state;
  try {
    st.trial_id = m.trial_id;
    st.series = std::move(m.series);
    st.features = ml::build_default_features(st.series);
    st.model.reset();
    st.snapshots.clear();
    st.wf.reset();
    msg::prepared out;
    out.trial_id = m.trial_id;
    out.features = static_cast<std::int32_t>(st.features.names.size());
    std::int64_t usable = 0;
    for (Eigen::Index r = 0; r < st.features.values.rows(); ++r)
      if (st.features.values.row(r).allFinite()) ++usable;
    out.usable_rows = usable;
    const auto w = ml::training_volatility(st.series, st.features, m.horizon, msg::plan_limits::min_train_ratio);
    out.vol_annual = w.vol_annual;
    out.vol_recent = w.vol_recent;
    out.vol_first_date = ml::format_date(st.series->bars[w.first_bar].time);
    out.vol_last_date = ml::format_date(st.series->bars[w.last_bar].time);
    out.recent_first_date = ml::format_date(st.series->bars[w.recent_first_bar].time);
    return out;
  } catch (const std::exception& e) {
    return fail(std::string("feature computation failed: ") + e.what());
  }
}

// The split audit and the look-ahead audit of the features, into `out`.
void audit_fit(const trainer_state& st, int horizon, msg::fit_started& out) {
  bool splits_ok = true;
  auto split_line = audit_splits(st.splits, horizon, splits_ok);
  try {
    // Perturbs bars after several t and recomputes the features: any
    // change at rows <= t is look-ahead.
    auto verdict = ml::audit_leakage(st.series, ml::build_default_features, st.splits, horizon);
    // The volatility question was asked before this split existed: it
    // may not move when any validation or test bar does.
    const auto question = ml::audit_question(st.series, volatility_question(horizon),
                                             st.splits.val.bar_index.front() - 1,
                                             "volatility question (asked before the split)");
    out.leakage_passed = verdict.passed && splits_ok && question.passed;
    out.leakage_audit = verdict.summary + " " + question.summary + (splits_ok ? "" : " " + split_line);
  } catch (const std::exception& e) {
    out.leakage_passed = false;
    out.leakage_audit = std::string("Leakage audit could not run: ") + e.what();
  }
}

// The shared fit workers as a pool of this trainer's, or nullptr: fits run
// here, in turn.
std::unique_ptr<ml::fit_pool> fit_pool_of(trainer_self self) {
  if (self->state.workers.workers.empty()) return nullptr;
  return make_worker_pool(self->system(), self->state.workers);
}

caf::result<msg::fit_started> on_fit(trainer_self self, msg::fit_request& m) {
  auto& st = self->state;
  if (m.trial_id != st.trial_id) return fail("trainer holds no data for trial " + msg::to_string(m.trial_id));
  auto model = ml::make_model(m.model);
  if (!model) return fail("unknown model '" + m.model + "'");
  try {
    ml::split_spec spec;
    spec.train_ratio = m.train_ratio;
    spec.val_ratio = m.val_ratio;
    spec.horizon = m.horizon;
    auto splits = ml::make_splits(st.series, st.features, spec);
    // The fit sees only the early-stopping share of the validation rows;
    // the rest choose between configurations.
    auto use = ml::share_validation(splits.val, m.horizon);
    ml::fit_data data{splits.train.x, splits.train.y, use.early_stop.x, use.early_stop.y, m.horizon};
    model->start(data, m.params, m.seed);
    // An ensemble's members fit at once on the workers; the engine still
    // steps them one by one, answered from those fits (same numbers).
    if (auto* ensemble = dynamic_cast<ml::ensemble_model*>(model.get()))
      if (auto pool = fit_pool_of(self)) ensemble->fit_members_on(std::move(pool));
    // Only a fit that started replaces the previous one.
    st.splits = std::move(splits);
    st.val_use = std::move(use);
    st.model = std::move(model);
    st.model_name = m.model;
    st.horizon = m.horizon;
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  msg::fit_started out;
  out.trial_id = m.trial_id;
  out.model = m.model;
  out.params = st.model->params();
  out.train_rows = st.splits.train.rows();
  out.val_rows = st.splits.val.rows();
  out.test_rows = st.splits.test.rows();
  out.train_range = range_of(st.series, st.splits.train);
  out.val_range = range_of(st.series, st.splits.val);
  out.test_range = range_of(st.series, st.splits.test);
  out.target = ml::target_name(m.horizon, st.series->timespan);
  out.validation_use = validation_use_of(st, m.model);
  audit_fit(st, m.horizon, out);
  return out;
}

caf::result<msg::fit_progress> on_fit_step(trainer_self self, msg::fit_step_request& m) {
  auto& st = self->state;
  if (m.trial_id != st.trial_id || !st.model) return fail("no fit in progress for trial " + msg::to_string(m.trial_id));
  try {
    auto s = st.model->step();
    msg::fit_progress out;
    out.trial_id = m.trial_id;
    out.step = s.step;
    out.total = s.total;
    out.train_loss = s.train_loss;
    out.val_loss = s.val_loss;
    out.val_accuracy = s.val_accuracy;
    out.done = s.done;
    out.measured = s.measured;
    out.fraction = s.fraction;
    out.unit = st.model->step_unit();
    out.part = s.part;
    out.part_what = s.part_what;
    return out;
  } catch (const std::exception& e) {
    return fail(std::string("training step failed: ") + e.what());
  }
}

caf::result<msg::fit_kept> on_fit_stop(trainer_self self, msg::fit_stop_request& m) {
  auto& st = self->state;
  if (m.trial_id != st.trial_id || !st.model) return fail("no fit in progress for trial " + msg::to_string(m.trial_id));
  try {
    const auto k = m.part_only ? st.model->stop_part() : st.model->stop();
    return msg::fit_kept{m.trial_id, k.step, k.val_loss, st.model->step_unit(), k.what};
  } catch (const std::exception& e) {
    return fail(std::string("stopping the fit failed: ") + e.what());
  }
}

caf::result<msg::optimize_outcome> on_optimize(trainer_self self, msg::optimize_request& m) {
  auto& st = self->state;
  if (m.trial_id != st.trial_id || st.splits.train.rows() == 0)
    return fail("no data prepared for trial " + msg::to_string(m.trial_id));
  try {
    ml::optimize_spec spec;
    spec.model = m.model;
    spec.max_evals = m.budget;
    spec.max_seconds = m.seconds;
    spec.seed = m.seed;
    spec.cv.embargo = st.horizon;
    // Every evaluation is reported to the engine as it happens.
    auto engine = caf::actor_cast<caf::actor>(self->current_sender());
    const auto trial = m.trial_id;
    const auto budget = m.budget;
    auto progress = [=](const ml::tried_config& latest, const ml::tried_config& best) {
      if (engine)
        self->send(caf::actor_cast<engine_actor>(engine), msg::optimize_step{trial, latest.index, budget, latest.params, latest.score, best.score});
      return true;
    };
    // Training and early-stopping rows only: the configuration-choice rows
    // judge the optimiser's pick, and the test part never shapes a choice.
    ml::dataset_splits fit_part = st.splits;
    fit_part.val = st.val_use.early_stop;
    const auto pool = fit_pool_of(self);
    auto res = ml::optimize(ml::join_train_val(fit_part), spec, progress, pool.get());
    msg::optimize_outcome out;
    out.trial_id = m.trial_id;
    out.best_params = res.best_params;
    out.best_score = res.best_score;
    out.evaluations = static_cast<std::int32_t>(res.tried.size());
    out.summary = res.summary;
    return out;
  } catch (const std::exception& e) {
    return fail(std::string("optimisation failed: ") + e.what());
  }
}

// Puts back the configuration with the lowest log loss on the
// configuration-choice rows; answers which one, for the report.
std::string restore_best(trainer_state& st) {
  const auto best = std::min_element(st.snapshots.begin(), st.snapshots.end(),
                                     [](const auto& a, const auto& b) { return a.val_log_loss < b.val_log_loss; });
  auto restored = ml::make_model(best->model);
  restored->load(best->state);
  st.model = std::move(restored);
  st.model_name = best->model;
  char buf[160];
  std::snprintf(buf, sizeof buf, "configuration %d of %zu (log loss %.4f on the configuration-choice rows)",
                static_cast<int>(best - st.snapshots.begin()) + 1, st.snapshots.size(), best->val_log_loss);
  return buf;
}

// The test part's numbers, and the artifact when one is asked for.
void score_test(const trainer_state& st, const Eigen::VectorXd& p, const std::string& artifact_path,
                msg::evaluation& out) {
  out.test = ml::evaluate_classification(st.splits.test.y, p);
  out.test_prob.assign(p.data(), p.data() + p.size());
  out.test_bar_index.assign(st.splits.test.bar_index.begin(), st.splits.test.bar_index.end());
  if (!artifact_path.empty()) {
    auto state = st.model->save();
    if (!state.empty())
      ml::write_artifact(artifact_path, {st.model_name, st.horizon, st.splits.feature_names, st.splits.scaler_mean,
                                         st.splits.scaler_scale, std::move(state)});
  }
  Eigen::VectorXd centred = p.array() - 0.5;
  out.test_vs_return = ml::evaluate_regression(st.splits.test.forward_return, centred);
}

// The ten most important features, by the model's own measure.
void top_importance(const trainer_state& st, msg::evaluation& out) {
  auto imp = st.model->importance();
  for (std::size_t i = 0; i < imp.size() && i < st.splits.feature_names.size(); ++i)
    out.importance.emplace_back(st.splits.feature_names[i], imp[i]);
  std::sort(out.importance.begin(), out.importance.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (out.importance.size() > 10) out.importance.resize(10);
}

caf::result<msg::evaluation> on_evaluate(trainer_self self, msg::evaluate_request& m) {
  auto& st = self->state;
  if (m.trial_id != st.trial_id || !st.model) return fail("no fitted model for trial " + msg::to_string(m.trial_id));
  try {
    msg::evaluation out;
    out.trial_id = m.trial_id;
    if (m.include_test && m.use_best && !st.snapshots.empty()) out.selection = restore_best(st);
    out.model = st.model_name;
    out.params = st.model->params();
    out.validation_use = validation_use_of(st, st.model_name);
    out.parameter_count = st.model->parameter_count();
    const auto pred = predict_all(*st.model, st.splits, m.include_test);
    out.train = score(st.splits.train.y, pred.train);
    // Validation numbers come from the configuration-choice rows only:
    // the early-stopping rows have already shaped the fit.
    const auto sel_begin = static_cast<Eigen::Index>(st.val_use.shares.second_begin);
    const Eigen::VectorXd p_select = pred.val.segment(sel_begin, pred.val.size() - sel_begin);
    out.val = score(st.val_use.select.y, p_select);
    out.val_sharpe = choice_rows_sharpe(st, p_select);
    out.val_sharpe_rows = static_cast<std::int64_t>(p_select.size());
    if (!m.include_test) {
      // A model that cannot be saved simply cannot be chosen later.
      auto state = st.model->save();
      if (!state.empty()) st.snapshots.push_back({st.model_name, out.val.log_loss, std::move(state)});
    }
    if (m.include_test) score_test(st, pred.test, m.artifact_path, out);
    top_importance(st, out);
    return out;
  } catch (const std::exception& e) {
    return fail(std::string("evaluation failed: ") + e.what());
  }
}

caf::result<msg::walk_forward_started> on_walk_forward(trainer_self self, msg::walk_forward_request& m) {
  auto& st = self->state;
  if (m.trial_id != st.trial_id || st.splits.train.rows() == 0)
    return fail("no data prepared for trial " + msg::to_string(m.trial_id));
  try {
    st.wf = walk_forward::start(st.splits, m);
    if (auto pool = fit_pool_of(self)) st.wf->use_pool(std::move(pool));
    st.wf_request = m;
    return walk_forward::layout(st.series, *st.wf, m.trial_id);
  } catch (const std::exception& e) {
    st.wf.reset();
    return fail(std::string("walk-forward could not start: ") + e.what());
  }
}

caf::result<msg::walk_forward_progress> on_walk_forward_step(trainer_self self, msg::walk_forward_step_request& m) {
  auto& st = self->state;
  if (m.trial_id != st.trial_id || !st.wf)
    return fail("no walk-forward in progress for trial " + msg::to_string(m.trial_id));
  try {
    return walk_forward::step(st.series, *st.wf, m.trial_id);
  } catch (const std::exception& e) {
    st.wf.reset();
    return fail(std::string("walk-forward step failed: ") + e.what());
  }
}

caf::result<msg::walk_forward_outcome> on_walk_forward_collect(trainer_self self, msg::walk_forward_collect& m) {
  auto& st = self->state;
  if (m.trial_id != st.trial_id || !st.wf || !st.wf->done())
    return fail("no finished walk-forward for trial " + msg::to_string(m.trial_id));
  auto out = walk_forward::collect(st.series, *st.wf, st.wf_request);
  st.wf.reset();
  return out;
}

trainer_actor::behavior_type trainer_behavior(trainer_self self, fit_workers workers) {
  harden(self);
  self->state.workers = std::move(workers);
  return {
      [=](msg::prepare_request& m) { return on_prepare(self, m); },
      [=](msg::fit_request& m) { return on_fit(self, m); },
      [=](msg::fit_step_request& m) { return on_fit_step(self, m); },
      [=](msg::fit_stop_request& m) { return on_fit_stop(self, m); },
      [=](msg::optimize_request& m) { return on_optimize(self, m); },
      [=](msg::evaluate_request& m) { return on_evaluate(self, m); },
      [=](msg::walk_forward_request& m) { return on_walk_forward(self, m); },
      [=](msg::walk_forward_step_request& m) { return on_walk_forward_step(self, m); },
      [=](msg::walk_forward_collect& m) { return on_walk_forward_collect(self, m); },
  };
}

}  // namespace

// CAF 0.17 dereferences a null argument tuple when an actor is spawned with
// no arguments (init_fun_factory; UBSan reports it); the trainer takes its
// workers. A scheduled trainer may not block on them, so it fits in turn.
trainer_actor spawn_trainer(caf::actor_system& sys, thread_mode mode, fit_workers workers) {
  if (mode == thread_mode::scheduled) workers.workers.clear();
  return spawn_in(sys, mode, trainer_behavior, std::move(workers));
}

}  // namespace mlt::actors

#pragma once
/// Engine <-> data_loader / trainer / paper_trader: the work of one trial.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "messages/ids.hpp"
#include "messages/ml_inspect.hpp"
#include "messages/shared_bars.hpp"
#include "messages/plan.hpp"
#include "messages/walk_forward_msgs.hpp"
#include "messages/trial.hpp"

namespace mlt::msg {

/// engine -> data_loader.
struct load_bars_request {
  msg::trial_id trial_id;
  std::string symbol;
  std::string source;
  std::string start;
  std::string end;
  std::uint64_t seed = 42;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, load_bars_request& x) {
  return f(caf::meta::type_name("load_bars_request"), x.trial_id, x.symbol, x.source, x.start,
           x.end, x.seed);
}

/// data_loader -> engine while a long load runs.
struct data_progress_msg {
  msg::trial_id trial_id;
  double fraction = 0;
  std::string text;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, data_progress_msg& x) {
  return f(caf::meta::type_name("data_progress_msg"), x.trial_id, x.fraction, x.text);
}

/// engine -> trainer: build features once for this series.
struct prepare_request {
  msg::trial_id trial_id;
  shared_bars series;
  std::int32_t horizon = 1;  ///< label horizon: which rows can train decides the volatility window
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, prepare_request& x) {
  return f(caf::meta::type_name("prepare_request"), x.trial_id, x.series, x.horizon);
}

/// trainer -> engine.
struct prepared {
  msg::trial_id trial_id;
  std::int32_t features = 0;
  std::int64_t usable_rows = 0;
  double vol_annual = 0;  ///< over the rows that train under every allowed split
  double vol_recent = 0;  ///< over the last 63 bars of those rows
  std::string vol_first_date;  ///< the window of vol_annual
  std::string vol_last_date;
  std::string recent_first_date;  ///< the window of vol_recent ends at vol_last_date
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, prepared& x) {
  return f(caf::meta::type_name("prepared"), x.trial_id, x.features, x.usable_rows, x.vol_annual,
           x.vol_recent, x.vol_first_date, x.vol_last_date, x.recent_first_date);
}

/// engine -> trainer: split with this ratio and start fitting `model`.
struct fit_request {
  msg::trial_id trial_id;
  std::string model;
  std::map<std::string, double> params;
  double train_ratio = 0.7;
  double val_ratio = 0.15;
  std::int32_t horizon = 1;
  std::uint64_t seed = 42;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fit_request& x) {
  return f(caf::meta::type_name("fit_request"), x.trial_id, x.model, x.params, x.train_ratio,
           x.val_ratio, x.horizon, x.seed);
}

/// trainer -> engine: the fit is set up.
struct fit_started {
  msg::trial_id trial_id;
  std::string model;
  std::map<std::string, double> params;  ///< with defaults filled in
  std::int64_t train_rows = 0;
  std::int64_t val_rows = 0;
  std::int64_t test_rows = 0;
  std::string train_range;  ///< "2015-03-02 .. 2021-06-30"
  std::string val_range;
  std::string test_range;
  std::string leakage_audit;
  bool leakage_passed = true;
  std::string target;               ///< "direction-1d": what is predicted, for counting configurations
  std::vector<row_use> validation_use;  ///< how the validation rows are shared out
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fit_started& x) {
  return f(caf::meta::type_name("fit_started"), x.trial_id, x.model, x.params, x.train_rows,
           x.val_rows, x.test_rows, x.train_range, x.val_range, x.test_range, x.leakage_audit,
           x.leakage_passed, x.target, x.validation_use);
}

/// engine -> trainer: advance the fit by one step.
struct fit_step_request {
  msg::trial_id trial_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fit_step_request& x) {
  return f(caf::meta::type_name("fit_step_request"), x.trial_id);
}

/// trainer -> engine (see ml::fit_step): `measured` steps carry the losses of
/// the unit of work they finished; the others only say how far the fit is.
struct fit_progress {
  msg::trial_id trial_id;
  std::int32_t step = 0;     ///< units finished (epochs, rounds, iterations)
  std::int32_t total = 0;
  double train_loss = 0;
  double val_loss = 0;
  double val_accuracy = 0;
  bool done = false;
  bool measured = false;     ///< this step finished unit `step`; the losses are its own
  double fraction = 0;       ///< share of the planned work done, 0..1
  std::string unit;          ///< "epoch", "round", "iteration", ...
  std::string part;          ///< see ml::fit_step::part ("" for a single model)
  std::string part_what;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fit_progress& x) {
  return f(caf::meta::type_name("fit_progress"), x.trial_id, x.step, x.total, x.train_loss,
           x.val_loss, x.val_accuracy, x.done, x.measured, x.fraction, x.unit, x.part, x.part_what);
}

/// engine -> trainer: end the fit and keep its best measured state (the
/// agent's "stop", and every fit that finished on its own).
struct fit_stop_request {
  msg::trial_id trial_id;
  bool part_only = false;  ///< end only the part being fitted (ml::model::stop_part)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fit_stop_request& x) {
  return f(caf::meta::type_name("fit_stop_request"), x.trial_id, x.part_only);
}

/// trainer -> engine: the state the fit kept (see ml::kept_step).
struct fit_kept {
  msg::trial_id trial_id;
  std::int32_t step = 0;     ///< 0 = no measured step (see `what`)
  double val_loss = 0;
  std::string unit;
  std::string what;          ///< "the weights of epoch 7"
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fit_kept& x) {
  return f(caf::meta::type_name("fit_kept"), x.trial_id, x.step, x.val_loss, x.unit, x.what);
}

/// engine -> trainer: score the fitted model; the test part only when asked.
struct evaluate_request {
  msg::trial_id trial_id;
  bool include_test = false;
  /// With include_test: first restore the configuration fitted in this trial
  /// with the lowest log loss on the configuration-choice rows.
  bool use_best = false;
  /// With include_test: keep the evaluated model here for forward paper trading.
  std::string artifact_path;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, evaluate_request& x) {
  return f(caf::meta::type_name("evaluate_request"), x.trial_id, x.include_test, x.use_best, x.artifact_path);
}

/// trainer -> engine.
struct evaluation {
  msg::trial_id trial_id;
  ml::classification_metrics train;
  ml::classification_metrics val;
  ml::classification_metrics test;
  std::vector<std::uint64_t> test_bar_index;  ///< bars of the test rows
  std::vector<double> test_prob;              ///< P(up) per test row
  std::vector<std::pair<std::string, double>> importance;
  /// P(up) against the realised h-bar forward return on the test rows
  /// (Spearman IC, Pearson, sign hit rate of P(up) - 0.5).
  ml::regression_metrics test_vs_return;
  std::string model;                     ///< the configuration evaluated
  std::map<std::string, double> params;
  std::string selection;                 ///< how it was chosen (use_best), "" otherwise
  /// ml::sim::signal_sharpe on the configuration-choice rows: the Sharpe every
  /// fitted configuration is recorded with for the deflated Sharpe ratio.
  double val_sharpe = 0;
  std::int64_t val_sharpe_rows = 0;
  std::vector<row_use> validation_use;   ///< which rows chose what, for this model
  std::int64_t parameter_count = 0;      ///< numbers the evaluated model learned
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, evaluation& x) {
  return f(caf::meta::type_name("evaluation"), x.trial_id, x.train, x.val, x.test,
           x.test_bar_index, x.test_prob, x.importance, x.test_vs_return, x.model, x.params,
           x.selection, x.val_sharpe, x.val_sharpe_rows, x.validation_use,
           x.parameter_count);
}

/// engine -> paper_trader: trade these out-of-sample predictions.
struct paper_request {
  msg::trial_id trial_id;
  shared_bars series;
  std::vector<std::uint64_t> bar_index;
  std::vector<double> prob;
  ml::paper_config config;        ///< config.trials: configurations counted by the deflated Sharpe
  double sharpe_variance = 0;     ///< per-period variance of their Sharpe ratios; 0 = unknown
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, paper_request& x) {
  return f(caf::meta::type_name("paper_request"), x.trial_id, x.series, x.bar_index, x.prob,
           x.config, x.sharpe_variance);
}

/// paper_trader -> engine.
struct paper_outcome {
  msg::trial_id trial_id;
  ml::paper_stats stats;
  ml::paper_stats buy_hold;
  std::vector<ml::equity_point> equity;
  std::vector<ml::equity_point> buy_hold_equity;
  std::vector<ml::paper_trade> trades;
  std::map<std::string, double> detail;           ///< every statistic of the strategy
  std::map<std::string, double> buy_hold_detail;  ///< the same for buy-and-hold
  std::map<std::string, double> sma_cross;        ///< SMA(10,30) crossover baseline, same bars and costs
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, paper_outcome& x) {
  return f(caf::meta::type_name("paper_outcome"), x.trial_id, x.stats, x.buy_hold, x.equity,
           x.buy_hold_equity, x.trades, x.detail, x.buy_hold_detail, x.sma_cross);
}

/// Ask the trainer to tune hyperparameters by walk-forward validation.
struct optimize_request {
  msg::trial_id trial_id;
  std::string model;
  std::int32_t budget = 12;        ///< evaluations
  double seconds = 60;             ///< wall-clock cap
  std::uint64_t seed = 42;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, optimize_request& x) {
  return f(caf::meta::type_name("optimize_request"), x.trial_id, x.model, x.budget, x.seconds, x.seed);
}

/// trainer -> engine, after every optimiser evaluation.
struct optimize_step {
  msg::trial_id trial_id;
  std::int32_t index = 0;    ///< 1-based
  std::int32_t budget = 0;
  std::map<std::string, double> params;
  double score = 0;
  double best_score = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, optimize_step& x) {
  return f(caf::meta::type_name("optimize_step"), x.trial_id, x.index, x.budget, x.params, x.score, x.best_score);
}

/// trainer -> engine.
struct optimize_outcome {
  msg::trial_id trial_id;
  std::map<std::string, double> best_params;
  double best_score = 0;
  std::int32_t evaluations = 0;
  std::string summary;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, optimize_outcome& x) {
  return f(caf::meta::type_name("optimize_outcome"), x.trial_id, x.best_params, x.best_score, x.evaluations,
           x.summary);
}

/// engine -> trainer: evaluate this configuration walk-forward over the whole
/// history (the test part is the last fold); answered with walk_forward_started.
struct walk_forward_request {
  msg::trial_id trial_id;
  std::string model;
  std::map<std::string, double> params;
  std::int32_t folds = 5;
  std::string window = "expanding";
  std::int32_t horizon = 1;  ///< also the embargo
  std::uint64_t seed = 42;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, walk_forward_request& x) {
  return f(caf::meta::type_name("walk_forward_request"), x.trial_id, x.model, x.params, x.folds, x.window,
           x.horizon, x.seed);
}

/// trainer -> engine: the folds as laid out (ranges and row counts; no metrics yet).
struct walk_forward_started {
  msg::trial_id trial_id;
  std::vector<walk_forward_fold> folds;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, walk_forward_started& x) {
  return f(caf::meta::type_name("walk_forward_started"), x.trial_id, x.folds);
}

/// engine -> trainer: advance the current fold's fit by one bounded step.
struct walk_forward_step_request {
  msg::trial_id trial_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, walk_forward_step_request& x) {
  return f(caf::meta::type_name("walk_forward_step_request"), x.trial_id);
}

/// trainer -> engine after each step.
struct walk_forward_progress {
  msg::trial_id trial_id;
  std::int32_t fold = 0;   ///< 1-based
  std::int32_t folds = 0;
  std::int32_t step = 0;   ///< the fold's model steps so far
  std::int32_t total = 0;
  bool fold_done = false;  ///< `result` holds the finished fold
  walk_forward_fold result;
  bool all_done = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, walk_forward_progress& x) {
  return f(caf::meta::type_name("walk_forward_progress"), x.trial_id, x.fold, x.folds, x.step, x.total,
           x.fold_done, x.result, x.all_done);
}

/// engine -> trainer once every fold is done: the pooled result.
struct walk_forward_collect {
  msg::trial_id trial_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, walk_forward_collect& x) {
  return f(caf::meta::type_name("walk_forward_collect"), x.trial_id);
}

/// trainer -> engine: metrics (paper fields still empty) and the concatenated
/// out-of-sample predictions for paper trading.
struct walk_forward_outcome {
  msg::trial_id trial_id;
  walk_forward_result result;
  std::vector<std::uint64_t> bar_index;
  std::vector<double> prob;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, walk_forward_outcome& x) {
  return f(caf::meta::type_name("walk_forward_outcome"), x.trial_id, x.result, x.bar_index, x.prob);
}

}  // namespace mlt::msg

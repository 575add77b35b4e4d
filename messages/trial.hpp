#pragma once
/// Trial lifecycle: start, cancel, transcript events, the result and report.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor.hpp>

#include "messages/event_data.hpp"
#include "messages/ids.hpp"
#include "messages/ml_inspect.hpp"
#include "messages/plan.hpp"
#include "messages/vocabulary.hpp"
#include "messages/word_field.hpp"
#include "messages/walk_forward_msgs.hpp"

namespace mlt::msg {

/// agent -> engine: run this approved plan. `agent` answers the checkpoint
/// questions; `observer` (a session, may be invalid) receives events.
struct start_trial {
  msg::trial_id trial_id;
  trial_plan plan;
  caf::actor agent;
  caf::actor observer;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, start_trial& x) {
  return f(caf::meta::type_name("start_trial"), x.trial_id, x.plan, x.agent, x.observer);
}

/// anyone -> engine: stop a queued or running trial.
struct cancel_trial {
  msg::trial_id trial_id;
  std::string reason;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cancel_trial& x) {
  return f(caf::meta::type_name("cancel_trial"), x.trial_id, x.reason);
}

/// One line of a trial's transcript, streamed live and stored.
struct trial_event {
  msg::trial_id trial_id;
  std::int64_t seq = 0;      ///< 1, 2, ... within the trial
  std::int64_t time_ms = 0;  ///< wall clock, ms since epoch
  event_speaker speaker = event_speaker::engine;
  event_kind kind = event_kind::status;
  std::string text;          ///< readable line
  event_data data;            ///< structured payload (none for most lines)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trial_event& x) {
  auto speaker_word = word_field(x.speaker, event_speaker_words, "speaker");
  auto kind_word = word_field(x.kind, event_kind_words, "event kind");
  return f(caf::meta::type_name("trial_event"), x.trial_id, x.seq, x.time_ms, speaker_word, kind_word, x.text, x.data);
}

/// One out-of-sample prediction beside what happened, for the report's
/// "predicted probability against outcome" chart and calibration checks.
struct prediction_point {
  std::string date;             ///< the bar the prediction was made at (its close)
  double p_up = 0;              ///< the model's P(close h bars later > this close)
  std::int32_t outcome = 0;     ///< 1 if it did go up, else 0 (the label)
  double forward_return = 0;    ///< close(t+h) / close(t) - 1
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, prediction_point& x) {
  return f(caf::meta::type_name("prediction_point"), x.date, x.p_up, x.outcome, x.forward_return);
}

/// Which rows made which choice ("early stopping", "configuration choice",
/// "ensemble weights"), so the report can say that no row chose twice.
struct row_use {
  std::string purpose;
  std::string first_date;
  std::string last_date;
  std::int64_t rows = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, row_use& x) {
  return f(caf::meta::type_name("row_use"), x.purpose, x.first_date, x.last_date, x.rows);
}

/// Multiple testing on this daemon for one symbol and target: every
/// configuration fitted for them (all trials in the store, comparison arms
/// included), and the variance of their validation Sharpe ratios
/// (ml::sim::signal_sharpe, per period) for the deflated Sharpe ratio.
struct multiple_testing {
  std::string symbol;
  std::string target;                 ///< "direction-1d"
  std::int64_t configurations = 0;    ///< fitted for symbol and target on this daemon
  std::int64_t with_sharpe = 0;       ///< of those, with a measured validation Sharpe
  std::int64_t trials = 0;            ///< distinct trials they came from
  double sharpe_variance = 0;         ///< sample variance of the measured Sharpes; 0 if fewer than 2
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, multiple_testing& x) {
  return f(caf::meta::type_name("multiple_testing"), x.symbol, x.target, x.configurations,
           x.with_sharpe, x.trials, x.sharpe_variance);
}

/// Everything measured in a trial; the report is written from this.
struct trial_summary {
  msg::trial_id trial_id;
  trial_plan plan;            ///< as finally run (train_ratio and model after decisions)
  std::string symbol;
  std::string model;          ///< model evaluated on the test part
  std::int64_t parameter_count = 0;  ///< numbers that model learned (weights, tree nodes)
  std::string data_source;
  std::string data_origin;
  bool synthetic = false;
  std::string first_date;
  std::string last_date;
  std::int64_t bars = 0;
  std::string bar_size;       ///< "daily", "hourly", "1-minute", ... (ml::bar_size_words)
  std::int32_t features = 0;
  double vol_annual = 0;
  std::string regime;
  ml::classification_metrics train;
  ml::classification_metrics val;
  ml::classification_metrics test;
  std::string test_first_date;
  std::string test_last_date;
  ml::paper_stats paper;
  ml::paper_stats buy_hold;
  std::vector<ml::equity_point> equity;
  std::vector<ml::equity_point> buy_hold_equity;
  std::vector<ml::paper_trade> trades;
  std::vector<std::pair<std::string, double>> importance;  ///< top features
  std::int32_t configurations_tried = 0;
  std::int32_t decisions = 0;
  std::vector<std::string> models_tried;
  std::vector<std::string> warnings;
  std::string leakage_audit;  ///< verdict line
  ml::regression_metrics test_vs_return;
  std::map<std::string, double> paper_detail;
  std::map<std::string, double> buy_hold_detail;
  std::string optimizer;  ///< what the optimiser tried and chose ("" if not run)
  std::map<std::string, double> sma_cross;  ///< SMA(10,30) crossover baseline
  std::vector<prediction_point> predictions;  ///< the test part, in time order
  walk_forward_result walk_forward;  ///< the chosen configuration over the whole history
  /// The daemon-wide count behind the deflated Sharpe ratio (this trial's own
  /// count is configurations_tried).
  multiple_testing daemon_tested;
  std::vector<row_use> validation_use;  ///< which rows chose what
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trial_summary& x) {
  return f(caf::meta::type_name("trial_summary"), x.trial_id, x.plan, x.symbol, x.model, x.parameter_count,
           x.data_source, x.data_origin, x.synthetic, x.first_date, x.last_date, x.bars, x.bar_size,
           x.features, x.vol_annual, x.regime, x.train, x.val, x.test, x.test_first_date,
           x.test_last_date, x.paper, x.buy_hold, x.equity, x.buy_hold_equity, x.trades,
           x.importance, x.configurations_tried, x.decisions, x.models_tried, x.warnings,
           x.leakage_audit, x.test_vs_return, x.paper_detail, x.buy_hold_detail, x.optimizer,
           x.sma_cross, x.predictions, x.walk_forward, x.daemon_tested,
           x.validation_use);
}

/// The agent's final report, written from a trial_summary.
struct final_report {
  msg::trial_id trial_id;
  std::string answer;            ///< the direct answer
  std::string analysis;          ///< ML analysis
  std::string trading_insights;
  std::string recommendations;
  std::string caveats;
  std::string brain = "rules";
  std::int64_t input_tokens = 0;   ///< LLM tokens this trial's decisions and report used
  std::int64_t output_tokens = 0;
  std::int32_t llm_calls = 0;      ///< LLM exchanges for this trial (repairs included)
  std::int32_t llm_fallbacks = 0;  ///< questions the rules brain answered instead of the LLM
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, final_report& x) {
  return f(caf::meta::type_name("final_report"), x.trial_id, x.answer, x.analysis,
           x.trading_insights, x.recommendations, x.caveats, x.brain, x.input_tokens,
           x.output_tokens, x.llm_calls, x.llm_fallbacks);
}

/// engine -> observers when a trial completes.
struct trial_report {
  trial_summary summary;
  final_report report;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trial_report& x) {
  return f(caf::meta::type_name("trial_report"), x.summary, x.report);
}

/// engine -> observers when a trial ends without a report.
struct trial_failed {
  msg::trial_id trial_id;
  trial_status status = trial_status::failed;  ///< failed | cancelled | interrupted
  std::string code;
  std::string message;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trial_failed& x) {
  auto status_word = word_field(x.status, trial_status_words, "status");
  return f(caf::meta::type_name("trial_failed"), x.trial_id, status_word, x.code, x.message);
}

}  // namespace mlt::msg

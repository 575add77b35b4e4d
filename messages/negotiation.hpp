#pragma once
/// The engine <-> agent checkpoint protocol of DESIGN.md.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/sec.hpp>

#include "messages/ids.hpp"
#include "messages/ml_inspect.hpp"
#include "messages/plan.hpp"
#include "messages/vocabulary.hpp"
#include "messages/word_field.hpp"

namespace mlt::msg {

/// engine -> agent, after the data is loaded: how wild is this market?
struct volatility_report {
  msg::trial_id trial_id;
  std::string symbol;
  double vol_annual = 0;   ///< annualised std of daily log returns over the window below
  double vol_recent = 0;   ///< the same over the window's last 63 bars
  std::string regime;      ///< "low" | "normal" | "high"
  std::int64_t bars = 0;
  trial_plan plan;
  /// The window: only rows that train under every train_ratio the agent may
  /// choose, so the answer cannot use validation or test bars.
  std::string window_first_date;
  std::string window_last_date;
  std::string recent_first_date;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, volatility_report& x) {
  return f(caf::meta::type_name("volatility_report"), x.trial_id, x.symbol, x.vol_annual,
           x.vol_recent, x.regime, x.bars, x.plan, x.window_first_date, x.window_last_date,
           x.recent_first_date);
}

/// engine -> agent, at a training checkpoint.
struct progress_report {
  msg::trial_id trial_id;
  std::string model;
  std::int32_t step = 0;
  std::int32_t total = 0;
  double train_loss = 0;
  double val_loss = 0;
  double val_metric = 0;             ///< validation accuracy
  std::vector<double> val_loss_history;  ///< val loss of each earlier measured step of this fit
  std::int32_t modifications = 0;    ///< times this fit was already modified
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, progress_report& x) {
  return f(caf::meta::type_name("progress_report"), x.trial_id, x.model, x.step, x.total,
           x.train_loss, x.val_loss, x.val_metric, x.val_loss_history, x.modifications);
}

/// engine -> agent, after a fit: in-sample and validation numbers only; the
/// test part stays untouched until the final evaluation.
struct initial_results {
  msg::trial_id trial_id;
  std::string model;
  std::int32_t attempt = 1;          ///< configurations fitted so far
  ml::classification_metrics train;
  ml::classification_metrics val;
  std::map<std::string, double> params;
  std::int32_t budget_left = 0;      ///< decisions the agent may still take, this one included (>= 1 when asked)
  std::vector<std::string> tried_models;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, initial_results& x) {
  return f(caf::meta::type_name("initial_results"), x.trial_id, x.model, x.attempt, x.train,
           x.val, x.params, x.budget_left, x.tried_models);
}

/// agent -> engine: what to do next.
struct decision {
  msg::action action = action::continue_trial;
  std::string reason;
  std::map<std::string, double> params;  ///< e.g. train_ratio, eta, max_depth, budget
  std::string model;                     ///< for switch_model
  std::string brain = "rules";           ///< which brain decided
  std::string note;                      ///< fallback notes ("LLM late; rules decided")
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, decision& x) {
  auto action_word = word_field(x.action, action_words, "action");
  return f(caf::meta::type_name("decision"), action_word, x.reason, x.params, x.model, x.brain, x.note);
}

}  // namespace mlt::msg

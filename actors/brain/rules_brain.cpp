#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "actors/text_format.hpp"
#include "actors/brain/brain.hpp"
#include "actors/brain/plan_rules.hpp"
#include "actors/brain/report_writer.hpp"
#include "actors/brain/thresholds.hpp"
#include "ml/models/model.hpp"
#include "ml/models/optimize.hpp"

namespace mlt::brain {

namespace thresholds {
std::string classify_regime(double vol_annual, double vol_recent) {
  if (vol_annual > high_vol_annual || (vol_annual > 0 && vol_recent > high_vol_ratio * vol_annual))
    return "high";
  if (vol_annual < low_vol_annual && vol_recent < high_vol_ratio * vol_annual) return "low";
  return "normal";
}
}  // namespace thresholds


namespace {

using actors::text::fmt;
using actors::text::pct;
using actors::text::spct;

msg::decision make(msg::action action, std::string reason) {
  msg::decision d;
  d.action = action;
  d.reason = std::move(reason);
  d.brain = "rules";
  return d;
}

// More conservative settings of the same model, for modify and retrain.
std::map<std::string, double> regularised(const std::string& model, int level) {
  if (model == "xgboost")
    return level <= 1 ? std::map<std::string, double>{{"max_depth", 2}, {"eta", 0.03}, {"min_child_weight", 10}}
                      : std::map<std::string, double>{{"max_depth", 2}, {"eta", 0.02}, {"min_child_weight", 20},
                                                      {"subsample", 0.7}};
  if (model == "logistic") return {{"l2", level <= 1 ? 1.0 : 10.0}};
  if (model == "lstm" || model == "transformer")
    return {{"dropout", level <= 1 ? thresholds::seq_dropout_first : thresholds::seq_dropout_second}};
  return {};
}

// The capacity ladder of switch_model (thresholds.hpp). The ensemble
// averages logistic and xgboost, so it stands where xgboost does.
int capacity(const std::string& model) {
  static const std::map<std::string, int> ladder = {{"majority", 0}, {"logistic", 1}, {"xgboost", 2},
                                                    {"ensemble", 2}, {"lstm", 3},     {"transformer", 4}};
  auto it = ladder.find(model);
  return it == ladder.end() ? 5 : it->second;
}

std::int64_t min_train_rows(const std::string& model) {
  if (model == "lstm") return thresholds::lstm_min_train_rows;
  if (model == "transformer") return thresholds::transformer_min_train_rows;
  return 0;
}

struct switch_choice {
  std::string model;  ///< "" when no model is eligible
  std::string why;
};

// Considers every registered model; see "switch:" in thresholds.hpp.
switch_choice choose_switch(const msg::initial_results& r) {
  const auto rows = static_cast<std::int64_t>(r.train.n);
  const double gap = r.train.accuracy - r.val.accuracy;
  std::vector<std::string> eligible;
  std::string skipped;
  const auto skip = [&](const std::string& m, const std::string& why) {
    skipped += (skipped.empty() ? "" : "; ") + m + " " + why;
  };
  for (const auto& m : ml::model_names()) {
    if (m == r.model) continue;
    if (m == "majority") skip(m, "is the baseline an edge is measured against");
    else if (std::find(r.tried_models.begin(), r.tried_models.end(), m) != r.tried_models.end())
      skip(m, "was already tried");
    else if (rows < min_train_rows(m))
      skip(m, "needs at least " + std::to_string(min_train_rows(m)) + " training rows, this trial has " +
                  std::to_string(rows));
    else eligible.push_back(m);
  }
  const int here = capacity(r.model);
  // The eligible ladder model nearest to this one that `fits` accepts (ties: the simpler).
  const auto nearest = [&](auto fits) {
    std::string best;
    for (const auto& m : eligible)
      if (m != "ensemble" && fits(capacity(m)) &&
          (best.empty() || std::abs(capacity(m) - here) < std::abs(capacity(best) - here) ||
           (std::abs(capacity(m) - here) == std::abs(capacity(best) - here) && capacity(m) < capacity(best))))
        best = m;
    return best;
  };
  const bool has_ensemble = std::find(eligible.begin(), eligible.end(), "ensemble") != eligible.end();
  switch_choice c;
  if (gap > thresholds::switch_overfit_gap) {
    const std::string variance = "training accuracy " + pct(r.train.accuracy) + " is " + pct(gap) +
                                 " above validation (more than " + pct(thresholds::switch_overfit_gap) + "): variance, ";
    c.model = nearest([&](int k) { return k < here; });
    c.why = variance + "so a simpler model";
    if (c.model.empty() && has_ensemble) c = {"ensemble", variance + "so the ensemble, whose average cuts variance"};
  } else {
    c.model = nearest([&](int k) { return k > here; });
    c.why = "no sign of overfitting, so a more flexible model";
    if (ml::is_sequence_model(c.model))
      c.why += "; " + std::to_string(rows) + " training rows are enough for it (at least " +
               std::to_string(min_train_rows(c.model)) + ")";
  }
  if (c.model.empty()) {
    c.model = nearest([](int) { return true; });
    c.why = "the nearest model not tried yet";
  }
  if (c.model.empty() && has_ensemble) c = {"ensemble", "the one model not tried yet"};
  if (!skipped.empty()) c.why += " (left out: " + skipped + ")";
  return c;
}

class rules_brain final : public brain {
public:
  std::string name() const override { return "rules"; }

  msg::decision on_volatility(const msg::volatility_report& r) override {
    // The first question of a trial carries its plan: remember whether the
    // person asked for a hyperparameter search.
    if (wants_optimize(r.plan)) optimize_wanted_.insert(r.trial_id);
    const std::string vols = "annualised volatility " + pct(r.vol_annual) + ", last 63 bars " + pct(r.vol_recent) +
                             (r.window_first_date.empty()
                                  ? std::string()
                                  : " (" + r.window_first_date + " .. " + r.window_last_date + ", training rows only)");
    if (msg::is_pinned(r.plan, "train_ratio"))
      return make(msg::action::continue_trial, vols + " (" + r.regime + " regime); you set train_ratio " +
                                  fmt("%.2f", r.plan.train_ratio) + ", so I keep it");
    if (r.regime == "high") {
      auto d = make(msg::action::set_train_ratio, vols + ": high-volatility regime. A conservative split keeps more recent "
                                              "bars out of sample, so validation and test see the current regime");
      d.params["train_ratio"] = thresholds::train_ratio_high;
      return d;
    }
    if (r.regime == "low") {
      auto d = make(msg::action::set_train_ratio, vols + ": calm regime; more training history costs little");
      d.params["train_ratio"] = thresholds::train_ratio_low;
      return d;
    }
    return make(msg::action::continue_trial, vols + ": normal regime; keep train_ratio " + fmt("%.2f", r.plan.train_ratio));
  }

  msg::decision on_progress(const msg::progress_report& r) override {
    if (!std::isfinite(r.train_loss) || !std::isfinite(r.val_loss))
      return make(msg::action::stop, "the loss is not a finite number (train " + fmt("%g", r.train_loss) + ", validation " +
                              fmt("%g", r.val_loss) + "): the fit diverged; stop and keep the best iteration");
    const double gap = r.val_loss - r.train_loss;
    const auto& h = r.val_loss_history;
    const bool rising = !h.empty() && r.val_loss > h.back();
    if (gap > thresholds::overfit_gap && rising) {
      auto params = regularised(r.model, r.modifications + 1);
      if (r.modifications == 0 && !params.empty()) {
        auto d = make(msg::action::modify, "overfitting: validation loss " + fmt("%.4f", r.val_loss) + " rose and exceeds training loss by " +
                                    fmt("%.4f", gap) + "; refit with more regularisation");
        d.params = std::move(params);
        return d;
      }
      return make(msg::action::stop, "still overfitting (gap " + fmt("%.4f", gap) + "); stop and keep the best iteration");
    }
    if (h.size() >= 3) {
      const double best_before = *std::min_element(h.end() - 3, h.end());
      if (r.val_loss > best_before - thresholds::stall_delta)
        return make(msg::action::stop, "validation loss stalled at " + fmt("%.4f", r.val_loss) +
                                " over the last three measured steps; stop early and keep the best step");
    }
    return make(msg::action::continue_trial, "validation loss " + fmt("%.4f", r.val_loss) + ", accuracy " + pct(r.val_metric) +
                                "; no sign of overfitting yet");
  }

  msg::decision on_initial_results(const msg::initial_results& r) override {
    const double n = std::max<double>(1.0, static_cast<double>(r.val.n));
    // The bar to clear is the better of a coin flip and the majority class.
    const double ref = std::max({0.5, r.val.base_rate, 1.0 - r.val.base_rate});
    const double se = std::sqrt(ref * (1.0 - ref) / n);
    const bool one_class = (r.val.tp + r.val.fp == 0) || (r.val.tn + r.val.fn == 0);
    const double edge = one_class ? 0.0 : r.val.accuracy - ref;
    const std::string numbers = "validation accuracy " + pct(r.val.accuracy) + " on " +
                                std::to_string(r.val.n) + " rows (reference " + pct(ref) + " ± " + pct(thresholds::edge_z * se) +
                                (one_class ? "; it predicts one class only" : "") + "), AUC " + fmt("%.3f", r.val.roc_auc);
    if (r.budget_left <= 0) return make(msg::action::continue_trial, numbers + "; decision budget spent, evaluating as is");
    const bool tunable = ml::can_optimize(r.model);
    // Once per trial, at its first results question: a fit the agent already
    // modified at a checkpoint still counts as the first results.
    if (tunable && optimize_wanted_.erase(r.trial_id) > 0) {
      auto d = make(msg::action::optimize, numbers + "; you asked for a hyperparameter search: walk-forward validation over " +
                                    std::to_string(msg::plan_limits::optimize_budget) + " configurations");
      d.params["budget"] = msg::plan_limits::optimize_budget;
      return d;
    }
    if (r.train.accuracy - r.val.accuracy > thresholds::results_overfit_gap) {
      auto params = regularised(r.model, r.attempt);
      if (!params.empty() && r.attempt <= 2) {
        auto d = make(msg::action::retrain, numbers + "; training accuracy " + pct(r.train.accuracy) +
                                     " is far above it: overfitting, retrain more regularised");
        d.params = std::move(params);
        return d;
      }
    }
    if (edge > thresholds::edge_z * se)
      return make(msg::action::continue_trial, numbers + ": an edge beyond " + fmt("%.0f", thresholds::edge_z) +
                                  " standard errors; evaluate on the untouched test part");
    if (r.attempt == 1) {
      const auto next = choose_switch(r);
      if (!next.model.empty()) {
        auto d = make(msg::action::switch_model, numbers + ": no reliable edge; switch to " + next.model + ": " + next.why);
        d.model = next.model;
        return d;
      }
    }
    if (r.attempt == 2 && !regularised(r.model, 2).empty()) {
      auto d = make(msg::action::retrain, numbers + ": still no edge; retrain more regularised to cut variance");
      d.params = regularised(r.model, 2);
      return d;
    }
    if (r.attempt == 3 && tunable) {
      auto d = make(msg::action::optimize, numbers + ": search hyperparameters by walk-forward validation (" +
                                    std::to_string(msg::plan_limits::optimize_budget) + " evaluations)");
      d.params["budget"] = msg::plan_limits::optimize_budget;
      return d;
    }
    return make(msg::action::continue_trial, numbers + ": no configuration shows a reliable edge; evaluate and report it honestly");
  }

  msg::final_report on_result(const msg::trial_summary& s) override {
    optimize_wanted_.erase(s.trial_id);
    auto r = write_rules_report(s);
    append_usage(r, "rules", "");
    return r;
  }

private:
  std::set<msg::trial_id> optimize_wanted_;
};

}  // namespace

std::unique_ptr<brain> make_rules_brain() { return std::make_unique<rules_brain>(); }

}  // namespace mlt::brain

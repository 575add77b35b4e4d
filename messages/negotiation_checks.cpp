#include "messages/negotiation_checks.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ml/eval/walk_forward.hpp"
#include "ml/market/bar.hpp"
#include "ml/models/model.hpp"
#include "ml/models/optimize.hpp"
#include "ml/sim/paper_sim.hpp"

namespace mlt::msg {

namespace {

std::string num(double v, const char* format = "%g") {
  char b[48];
  std::snprintf(b, sizeof b, format, v);
  return b;
}

template <class Range>
std::string join(const Range& words) {
  std::string s;
  for (const auto& w : words) s += (s.empty() ? "" : ", ") + std::string(w);
  return s;
}

// Business days between two ISO dates, roughly: enough to refuse a range
// that cannot hold a trial before any data is loaded.
double approx_bars(const std::string& start, const std::string& end) {
  std::int64_t a = 0, b = 0;
  if (!ml::parse_datetime(start, a) || !ml::parse_datetime(end, b)) return 1e9;
  return static_cast<double>(b - a) / 86400.0 * 252.0 / 365.25;
}

std::string check_train_ratio(decision& d, const decision_context& ctx) {
  if (d.action != action::set_train_ratio) {
    d.params.clear();
    return "";
  }
  auto it = d.params.find("train_ratio");
  if (it == d.params.end()) return "set_train_ratio needs params.train_ratio";
  if (ctx.train_ratio_pinned) return "the person set train_ratio themselves; answer continue";
  const double r = it->second;
  d.params = {{"train_ratio", r}};
  return check_param_value(*find_param("train_ratio"), r);
}

std::string check_results(decision& d, const decision_context& ctx) {
  if (ctx.budget_left <= 0 && d.action != action::continue_trial)
    return "the decision budget is spent; the only allowed action is continue";
  switch (d.action) {
    case action::retrain:
      d.model.clear();
      return check_model_params(d.params, ctx.model);
    case action::switch_model:
      d.params.clear();  // the engine starts the new model from its defaults
      if (d.model.empty()) return "switch_model needs a model (known: " + known_models() + ")";
      if (!model_known(d.model)) return "model '" + d.model + "' does not exist (known: " + known_models() + ")";
      if (d.model == ctx.model) return "the model is already " + d.model + "; use retrain to change its settings";
      return "";
    case action::optimize: {
      d.model.clear();
      if (!ml::can_optimize(ctx.model))
        return "the optimiser has nothing to tune in " + ctx.model + "; switch_model first or continue";
      auto it = d.params.find("budget");
      const double budget = it == d.params.end() ? plan_limits::optimize_budget : it->second;
      d.params = {{"budget", budget}};
      return check_param_value(*find_param("budget"), budget);
    }
    default:
      d.params.clear();
      d.model.clear();
      return "";
  }
}

}  // namespace

std::vector<action> allowed_actions(question q) {
  switch (q) {
    case question::volatility: return {volatility_actions.begin(), volatility_actions.end()};
    case question::progress: return {progress_actions.begin(), progress_actions.end()};
    case question::results: return {results_actions.begin(), results_actions.end()};
  }
  return {};
}

std::vector<std::string> allowed_action_names(question q) {
  std::vector<std::string> out;
  for (auto a : allowed_actions(q)) out.emplace_back(to_string(a));
  return out;
}

const std::vector<param_spec>& decision_params() {
  // Narrower than the models' own limits where a checkpoint decision should
  // stay conservative (max_depth 12, not 16).
  static const std::vector<param_spec> p = {
      {"train_ratio", plan_limits::min_train_ratio, plan_limits::max_train_ratio, false, false, ""},
      {"budget", 1, plan_limits::max_optimize_budget, false, true, ""},
      {"eta", 0, 1, true, false, "xgboost"},
      {"max_depth", 1, 12, false, true, "xgboost"},
      {"min_child_weight", 0, 100, false, false, "xgboost"},
      {"subsample", 0.1, 1, false, false, "xgboost"},
      {"colsample", 0.1, 1, false, false, "xgboost"},
      {"lambda", 0, 1000, false, false, "xgboost"},
      {"n_rounds", 10, 5000, false, true, "xgboost"},
      {"l2", 0, 1000, false, false, "logistic"},
      {"max_iter", 1, 1000, false, true, "logistic"},
      {"dropout", 0, 0.9, false, false, "lstm transformer"},
      {"learning_rate", 0, 0.1, true, false, "lstm transformer"},
      {"hidden", 4, 256, false, true, "lstm"},
      {"seq_len", 5, 120, false, true, "lstm transformer"},
      {"max_epochs", 1, 200, false, true, "lstm transformer"},
      {"patience", 1, 50, false, true, "lstm transformer"},
  };
  return p;
}

const param_spec* find_param(const std::string& name) {
  for (const auto& p : decision_params())
    if (name == p.name) return &p;
  return nullptr;
}

bool applies_to(const param_spec& p, const std::string& model) {
  const std::string list = std::string(" ") + p.models + " ";
  return list.find(" " + model + " ") != std::string::npos;
}

std::string range_text(const param_spec& p) {
  std::string s = p.lo_open ? "above " + num(p.lo) + " and up to " + num(p.hi) : num(p.lo) + "-" + num(p.hi);
  if (p.integer) s += ", a whole number";
  return s;
}

std::string check_param_value(const param_spec& p, double value) {
  const bool low_ok = p.lo_open ? value > p.lo : value >= p.lo;
  if (!std::isfinite(value) || !low_ok || value > p.hi || (p.integer && std::floor(value) != value))
    return std::string(p.name) + " " + num(value) + " is out of range (must be " + range_text(p) + ")";
  return "";
}

std::string model_params_for(const std::string& model) {
  std::string s;
  for (const auto& p : decision_params())
    if (*p.models && applies_to(p, model)) s += (s.empty() ? "" : ", ") + std::string(p.name) + " " + range_text(p);
  return s.empty() ? "none" : s;
}

std::string check_model_params(const std::map<std::string, double>& params, const std::string& model) {
  if (params.empty())
    return "this action needs params with at least one hyperparameter of " + model + " (" + model_params_for(model) + ")";
  for (const auto& [k, v] : params) {
    const auto* p = find_param(k);
    if (!p || !*p->models || !applies_to(*p, model))
      return "parameter '" + k + "' does not apply to " + model + " (it takes: " + model_params_for(model) + ")";
    if (auto e = check_param_value(*p, v); !e.empty()) return e;
  }
  return "";
}

bool model_known(const std::string& model) {
  static const auto names = ml::model_names();  // fixed at build time
  return std::find(names.begin(), names.end(), model) != names.end();
}

std::string known_models() { return join(ml::model_names()); }

std::string check_decision(decision& d, const decision_context& ctx) {
  const auto allowed = allowed_actions(ctx.asked);
  if (std::find(allowed.begin(), allowed.end(), d.action) == allowed.end())
    return std::string("action '") + to_string(d.action) + "' is not allowed here (allowed: " +
           join(allowed_action_names(ctx.asked)) + ")";
  switch (ctx.asked) {
    case question::volatility:
      d.model.clear();
      return check_train_ratio(d, ctx);
    case question::progress:
      d.model.clear();
      if (d.action == action::modify) return check_model_params(d.params, ctx.model);
      d.params.clear();
      return "";
    case question::results:
      return check_results(d, ctx);
  }
  return "";
}

int min_bars_for(const std::string& model) {
  if (model == "lstm" || model == "transformer" || model == "ensemble") return plan_limits::min_bars_for_sequence_model;
  return plan_limits::min_bars_for_model;
}

std::string check_plan(const trial_plan& p) {
  namespace L = plan_limits;
  if (p.symbol.empty()) return "the plan has no symbol";
  if (!model_known(p.model)) return "model '" + p.model + "' is not available (choose one of: " + known_models() + ")";
  if (!(p.train_ratio >= L::min_train_ratio && p.train_ratio <= L::max_train_ratio))
    return "train_ratio " + num(p.train_ratio) + " is out of range; it must be between " + num(L::min_train_ratio, "%.1f") +
           " and " + num(L::max_train_ratio, "%.1f") + " so that validation and test keep enough bars";
  if (p.train_ratio + p.val_ratio >= L::max_train_plus_val)
    return "train_ratio plus validation leaves no test part";
  if (p.horizon < 1 || p.horizon > L::max_horizon) return "horizon must be 1.." + std::to_string(L::max_horizon) + " bars";
  if (p.decision_budget < 0 || p.decision_budget > L::max_decision_budget)
    return "decision_budget must be 0.." + std::to_string(L::max_decision_budget) + " (got " +
           std::to_string(p.decision_budget) + ")";
  if (p.wf_folds < 1 || p.wf_folds > max_wf_folds)
    return "wf_folds must be 1.." + std::to_string(max_wf_folds) + " walk-forward folds (got " + std::to_string(p.wf_folds) + ")";
  if (ml::window_kind w; !ml::parse_window(p.wf_window, w))
    return "wf_window '" + p.wf_window + "' is not a walk-forward window (" + join(wf_windows) + ")";
  std::int64_t t = 0;
  if (!p.start.empty() && !ml::parse_datetime(p.start, t)) return "start date '" + p.start + "' is not YYYY-MM-DD";
  if (!p.end.empty() && !ml::parse_datetime(p.end, t)) return "end date '" + p.end + "' is not YYYY-MM-DD";
  if (!p.start.empty() && !p.end.empty()) {
    if (p.end <= p.start) return "the end date " + p.end + " is not after the start date " + p.start;
    const double bars = approx_bars(p.start, p.end);
    const int need = min_bars_for(p.model);
    if (bars < need)
      return "the range " + p.start + " to " + p.end + " holds only about " + num(bars, "%.0f") + " daily bars; " +
             (need > L::min_bars_for_model ? p.model + " needs" : std::string("a trial needs")) + " at least " +
             std::to_string(need) +
             (need > L::min_bars_for_model
                  ? " (each row is a window of earlier bars, and it has many weights to fit); widen the range or use xgboost or logistic"
                  : " (indicator warm-up plus training, validation and test parts)");
  }
  if (!p.data_source.empty() && std::find_if(data_sources.begin(), data_sources.end(), [&](const char* s) {
                                  return p.data_source == s;
                                }) == data_sources.end())
    return "data source '" + p.data_source + "' is unknown (" + join(data_sources) + ")";
  if (!(p.paper.long_threshold > 0.5 && p.paper.long_threshold < 1)) return "the long threshold must be above 0.5 and below 1";
  if (!(p.paper.short_threshold > 0 && p.paper.short_threshold < 0.5))
    return "the short threshold must be above 0 and below 0.5";
  if (p.paper.commission_bps < 0 || p.paper.commission_bps > L::max_commission_bps)
    return "commission must be 0.." + num(L::max_commission_bps) + " bps";
  if (p.paper.slippage_bps < 0 || p.paper.slippage_bps > L::max_slippage_bps)
    return "slippage must be 0.." + num(L::max_slippage_bps) + " bps";
  if (!(p.paper.cash > 0) || !std::isfinite(p.paper.cash)) return "starting cash must be a positive amount";
  if (std::string e = ml::check_paper_config(p.paper); !e.empty()) return "paper settings: " + e;
  return "";
}

}  // namespace mlt::msg

#include "actors/text_format.hpp"
#include "actors/brain/plan_rules.hpp"
#include "actors/brain/thresholds.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "ml/eval/walk_forward.hpp"
#include "ml/market/bar.hpp"
#include "ml/sim/paper_sim.hpp"
#include "ml/models/model.hpp"
#include "ml/models/optimize.hpp"

namespace mlt::brain {

namespace {

using actors::text::fmt;
using actors::text::pct;
using actors::text::spct;

void pin(msg::trial_plan& p, const std::string& field) {
  if (!msg::is_pinned(p, field)) p.pinned.push_back(field);
}

std::string today_utc() {
  return ml::format_date(static_cast<std::int64_t>(std::time(nullptr)));
}

}  // namespace

bool wants_optimize(const msg::trial_plan& plan) { return msg::is_pinned(plan, optimize_marker); }

std::string apply_edit(msg::trial_plan& plan, const plan_edit& e, const std::string& data_end) {
  msg::trial_plan p = plan;
  if (e.symbol) p.symbol = *e.symbol;
  if (e.model) p.model = *e.model, pin(p, "model");
  if (e.data_source) p.data_source = *e.data_source, pin(p, "data_source");
  if (e.start) p.start = *e.start, pin(p, "start");
  if (e.end) p.end = *e.end, pin(p, "end");
  if (e.lookback_days) {
    if (*e.lookback_days < 1 || *e.lookback_days > msg::plan_limits::max_lookback_days)
      return "a lookback of " + std::to_string(*e.lookback_days) + " days is out of range (1.." +
             std::to_string(msg::plan_limits::max_lookback_days) + ")";
    // "last 3 years" counts back from the end of the range: the plan's end,
    // else the data's last date, else today.
    const std::string ref = !p.end.empty() ? p.end : !data_end.empty() ? data_end : today_utc();
    std::int64_t t = 0;
    if (!ml::parse_datetime(ref, t)) return "the reference date '" + ref + "' is not YYYY-MM-DD";
    p.start = ml::format_date(t - static_cast<std::int64_t>(*e.lookback_days) * 86400);
    if (p.end.empty() && !data_end.empty()) p.end = data_end;
    pin(p, "start");
  }
  if (e.train_ratio) {
    p.train_ratio = *e.train_ratio;
    pin(p, "train_ratio");
    p.val_ratio = std::min(p.val_ratio, std::max(0.05, (1.0 - p.train_ratio) / 2.0));
  }
  if (e.horizon) p.horizon = *e.horizon, pin(p, "horizon");
  if (e.seed) p.seed = *e.seed, pin(p, "seed");
  if (e.wf_folds) p.wf_folds = *e.wf_folds, pin(p, "wf_folds");
  if (e.wf_window) p.wf_window = *e.wf_window, pin(p, "wf_window");
  if (e.long_threshold) p.paper.long_threshold = *e.long_threshold;
  if (e.short_threshold) p.paper.short_threshold = *e.short_threshold;
  if (e.allow_short) p.paper.allow_short = *e.allow_short;
  if (e.commission_bps) p.paper.commission_bps = *e.commission_bps;
  if (e.slippage_bps) p.paper.slippage_bps = *e.slippage_bps;
  if (e.cash) p.paper.cash = *e.cash;
  if (e.optimize) {
    auto it = std::find(p.pinned.begin(), p.pinned.end(), optimize_marker);
    if (*e.optimize && it == p.pinned.end()) p.pinned.push_back(optimize_marker);
    if (!*e.optimize && it != p.pinned.end()) p.pinned.erase(it);
  }
  auto problem = msg::check_plan(p);
  if (problem.empty() && wants_optimize(p) && !ml::can_optimize(p.model))
    problem = "the optimiser has nothing to tune in " + p.model +
              " (say \"use xgboost\" or another model to optimise, or \"no optimization\")";
  if (problem.empty()) plan = std::move(p);
  return problem;
}

std::string describe_plan(const msg::trial_plan& p) {
  std::string s;
  s += "  symbol:        " + p.symbol + "\n";
  s += "  model:         " + p.model + "\n";
  s += "  data:          " + p.data_source +
       (p.data_source == "auto" ? " (Polygon if a key is set, else DATA_DIR/" + p.symbol + ".csv, else synthetic)" : "") +
       "\n";
  s += "  range:         " + (p.start.empty() ? std::string("earliest") : p.start) + " to " +
       (p.end.empty() ? std::string("latest") : p.end) + "\n";
  s += "  split:         train " + fmt("%.2f", p.train_ratio) + ", validation " + fmt("%.2f", p.val_ratio) +
       ", test the rest; chronological, embargo " + std::to_string(p.horizon) + " bar(s)" +
       (msg::is_pinned(p, "train_ratio") ? "" : " (I may adjust train_ratio to the volatility regime)") + "\n";
  s += "  evidence:      walk-forward over the whole history, " + std::to_string(p.wf_folds) + " fold(s), " +
       p.wf_window + " window, refit per fold, embargo " + std::to_string(p.horizon) +
       " bar(s); the test part is the last fold\n";
  s += "  target:        direction of the close " + std::to_string(p.horizon) + " bar(s) ahead\n";
  s += "  paper trading: long when P(up) > " + fmt("%.2f", p.paper.long_threshold) +
       (p.paper.allow_short ? ", short when P(up) < " + fmt("%.2f", p.paper.short_threshold) : ", else flat") +
       ", fills at next open, cash " + fmt("%.0f", p.paper.cash) + "\n";
  s += "  costs:         " + ml::describe_costs(p.paper) + "\n";
  if (p.paper.sizing != "all" || p.paper.stop_loss > 0 || p.paper.take_profit > 0)
    s += "  sizing:        " + ml::describe_sizing(p.paper) + "\n";
  if (wants_optimize(p))
    s += "  optimiser:     walk-forward hyperparameter search (" + std::to_string(msg::plan_limits::optimize_budget) +
         " evaluations) after the first fit\n";
  s += "  seed " + std::to_string(p.seed) + ", decision budget " + std::to_string(p.decision_budget);
  return s;
}

}  // namespace mlt::brain

#pragma once
/// Config trial settings as the typed plan the agent and engine use.
/// Header-only so that mltrainer_config itself stays free of messages and
/// actors; include it where mltrainer_messages is linked.

#include "config/daemon_options.hpp"
#include "messages/plan.hpp"

namespace mlt::config {

/// paper_options -> ml::paper_config (field by field; `trials` keeps its default).
inline ml::paper_config to_paper_config(const paper_options& p) {
  ml::paper_config c;
  c.cash = p.cash;
  c.commission_bps = p.commission_bps;
  c.commission_per_share = p.commission_per_share;
  c.commission_min = p.commission_min;
  c.commission_fixed = p.commission_fixed;
  c.slippage_bps = p.slippage_bps;
  c.long_threshold = p.long_threshold;
  c.short_threshold = p.short_threshold;
  c.allow_short = p.allow_short;
  c.fractional_shares = p.fractional_shares;
  c.stop_loss = p.stop_loss;
  c.take_profit = p.take_profit;
  c.sizing = p.sizing;
  c.size = p.size;
  c.vol_lookback = p.vol_lookback;
  return c;
}

/// trial_options (trial_defaults, or a schedule's request) -> msg::trial_plan;
/// the request's explicit keys become the plan's pinned fields.
inline msg::trial_plan to_trial_plan(const trial_options& t) {
  msg::trial_plan plan;
  plan.symbol = t.symbol;
  plan.model = t.model;
  plan.data_source = t.data_source;
  plan.start = t.start;
  plan.end = t.end;
  plan.train_ratio = t.train_ratio;
  plan.val_ratio = t.val_ratio;
  plan.horizon = t.horizon;
  plan.seed = t.seed;
  plan.decision_budget = t.decision_budget;
  plan.params = t.params;
  plan.paper = to_paper_config(t.paper);
  plan.pinned = t.pinned;
  return plan;
}

}  // namespace mlt::config

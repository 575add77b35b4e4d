#include "actors/engine/summary.hpp"

#include <algorithm>

#include "ml/market/bar.hpp"

namespace mlt::actors::engine {

namespace {

// The test part's predictions beside their labels (close h bars later above
// this close), which the trainer built the same way.
std::vector<msg::prediction_point> test_predictions(const ml::bar_series& series, const msg::evaluation& ev,
                                                    int horizon) {
  std::vector<msg::prediction_point> out;
  const auto& bars = series.bars;
  const std::size_t h = static_cast<std::size_t>(std::max(1, horizon));
  for (std::size_t i = 0; i < ev.test_bar_index.size() && i < ev.test_prob.size(); ++i) {
    const auto t = static_cast<std::size_t>(ev.test_bar_index[i]);
    if (t + h >= bars.size()) break;
    msg::prediction_point p;
    p.date = ml::format_date(bars[t].time);
    p.p_up = ev.test_prob[i];
    p.outcome = bars[t + h].close > bars[t].close ? 1 : 0;
    p.forward_return = bars[t].close > 0 ? bars[t + h].close / bars[t].close - 1 : 0;
    out.push_back(std::move(p));
  }
  return out;
}

// What the data was and how it was split.
void describe_data(const trial_run& run, const msg::evaluation& ev, msg::trial_summary& s) {
  const auto& bars = run.series->bars;
  s.data_source = run.series->source;
  s.data_origin = run.series->origin;
  s.synthetic = run.series->synthetic;
  s.first_date = ml::format_date(bars.front().time);
  s.last_date = ml::format_date(bars.back().time);
  s.bars = static_cast<std::int64_t>(bars.size());
  s.bar_size = ml::bar_size_words(run.series);
  s.features = run.prep.features;
  s.vol_annual = run.prep.vol_annual;
  s.regime = run.regime;
  if (!ev.test_bar_index.empty()) {
    s.test_first_date = ml::format_date(bars[ev.test_bar_index.front()].time);
    s.test_last_date = ml::format_date(bars[ev.test_bar_index.back()].time);
  }
}

}  // namespace

msg::trial_summary summarize(const trial_run& run, const msg::evaluation& ev, msg::paper_outcome& po,
                             const msg::walk_forward_result& wf) {
  msg::trial_summary s;
  s.trial_id = run.id;
  s.plan = run.plan;
  s.plan.model = run.model;
  s.plan.params = run.params;
  s.symbol = run.plan.symbol;
  s.model = run.model;
  s.parameter_count = ev.parameter_count;
  describe_data(run, ev, s);
  s.train = ev.train;
  s.val = ev.val;
  s.test = ev.test;
  s.paper = po.stats;
  s.buy_hold = po.buy_hold;
  s.equity = std::move(po.equity);
  s.buy_hold_equity = std::move(po.buy_hold_equity);
  s.trades = std::move(po.trades);
  s.importance = ev.importance;
  s.configurations_tried = run.configurations;
  s.decisions = run.decisions;
  s.models_tried = run.models_tried;
  s.warnings = run.warnings;
  s.leakage_audit = run.fit.leakage_audit;
  s.test_vs_return = ev.test_vs_return;
  s.paper_detail = po.detail;
  s.buy_hold_detail = po.buy_hold_detail;
  s.optimizer = run.optimizer;
  s.sma_cross = po.sma_cross;
  s.predictions = test_predictions(run.series, ev, run.plan.horizon);
  s.walk_forward = wf;
  s.daemon_tested = run.tested;
  s.validation_use = ev.validation_use;
  return s;
}

}  // namespace mlt::actors::engine

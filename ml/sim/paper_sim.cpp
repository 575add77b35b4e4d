#include "ml/sim/paper_sim.hpp"

#include <stdexcept>

#include "ml/sim/strategies.hpp"

namespace mlt::ml {

namespace {

paper_stats summary(const sim::performance& p) {
  paper_stats s;
  s.total_return = p.total_return;
  s.final_equity = p.final_equity;
  s.cagr = p.cagr;
  s.sharpe = p.sharpe;
  s.max_drawdown = p.max_drawdown;
  s.trades = p.trades;
  s.win_rate = p.win_rate;
  s.exposure = p.exposure;
  s.fees = p.fees;
  return s;
}

const char* reason_name(sim::fill_reason r) {
  switch (r) {
    case sim::fill_reason::order:
      return "signal";
    case sim::fill_reason::stop_loss:
      return "stop_loss";
    case sim::fill_reason::take_profit:
      return "take_profit";
  }
  return "signal";
}

std::vector<equity_point> curve(const std::vector<sim::equity_sample>& eq) {
  std::vector<equity_point> out;
  out.reserve(eq.size());
  for (const sim::equity_sample& s : eq) out.push_back({s.time, s.equity});
  return out;
}

}  // namespace

paper_result simulate_paper(const bar_series& series,
                            const std::vector<std::size_t>& bar_index,
                            const Eigen::VectorXd& prob, const paper_config& config,
                            double sharpe_variance) {
  if (bar_index.empty()) throw std::invalid_argument("simulate_paper: no predictions to trade");
  if (static_cast<Eigen::Index>(bar_index.size()) != prob.size())
    throw std::invalid_argument("simulate_paper: " + std::to_string(bar_index.size()) +
                                " bar indices but " + std::to_string(prob.size()) +
                                " probabilities");
  for (std::size_t k = 0; k < bar_index.size(); ++k) {
    if (bar_index[k] >= series.bars.size())
      throw std::invalid_argument("simulate_paper: bar index " + std::to_string(bar_index[k]) +
                                  " at prediction " + std::to_string(k) + " is past the " +
                                  std::to_string(series.bars.size()) + " bars of " +
                                  series.symbol);
    if (k > 0 && bar_index[k] <= bar_index[k - 1])
      throw std::invalid_argument("simulate_paper: bar indices are not strictly increasing at "
                                  "prediction " + std::to_string(k));
  }

  sim::engine_config ec;
  ec.cash = config.cash;
  ec.commission.type = sim::commission_model::kind::bps;
  ec.commission.rate = config.commission_bps;
  ec.slippage.bps = config.slippage_bps;
  ec.sizing.type = sim::sizing_rule::kind::all;
  ec.fractional = config.fractional_shares;
  ec.allow_short = config.allow_short;

  sim::signal_rule rule;
  rule.long_above = config.long_threshold;
  rule.short_below = config.short_threshold;
  rule.allow_short = config.allow_short;
  rule.exits.stop_loss = config.stop_loss;
  rule.exits.take_profit = config.take_profit;

  const std::size_t first = bar_index.front();
  const std::size_t last = bar_index.back();
  const Eigen::VectorXd values = prob;  // contiguous copy; prob may be a strided view's copy

  sim::engine model_run(ec);
  sim::model_signal_strategy model(bar_index, values.data(), rule);
  sim::run(model_run, model, series.bars, first, last);

  sim::engine hold_run(ec);
  sim::buy_hold_strategy hold;
  sim::run(hold_run, hold, series.bars, first, last);

  paper_result out;
  out.detail = sim::compute_performance(model_run, series.timespan, config.trials, sharpe_variance);
  out.buy_hold_detail = sim::compute_performance(hold_run, series.timespan, 1);
  out.stats = summary(out.detail);
  out.buy_hold = summary(out.buy_hold_detail);
  out.equity = curve(model_run.state().equity);
  out.buy_hold_equity = curve(hold_run.state().equity);
  out.drawdown = sim::drawdown_series(model_run.state().equity);
  for (const sim::trade& t : model_run.trades_with_open()) {
    paper_trade p;
    p.side = t.direction > 0 ? "long" : "short";
    p.size = t.size;
    p.entry_time = t.entry_time;
    p.entry_price = t.entry_price;
    p.exit_time = t.open ? 0 : t.exit_time;
    p.exit_price = t.open ? 0 : t.exit_price;
    p.mark_price = t.mark_price;
    p.pnl = t.pnl;
    p.ret = t.ret;
    p.open = t.open;
    p.exit_reason = t.open ? "" : reason_name(t.exit_reason);
    out.trades.push_back(p);
  }
  return out;
}

}  // namespace mlt::ml

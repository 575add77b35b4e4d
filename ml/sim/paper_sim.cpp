#include "ml/sim/paper_sim.hpp"

#include <cstdio>
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

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::string check_paper_config(const paper_config& c) {
  auto bad = [](const char* key, double v, const char* range) {
    return std::string(key) + " " + num(v) + " is out of range (" + range + ")";
  };
  if (!(c.cash > 0)) return bad("cash", c.cash, "> 0");
  if (!(c.commission_bps >= 0 && c.commission_bps <= 1000)) return bad("commission_bps", c.commission_bps, "0..1000");
  if (!(c.commission_per_share >= 0 && c.commission_per_share <= 100))
    return bad("commission_per_share", c.commission_per_share, "0..100 per share");
  if (!(c.commission_min >= 0 && c.commission_min <= 1e6)) return bad("commission_min", c.commission_min, "0..1000000");
  if (!(c.commission_fixed >= 0 && c.commission_fixed <= 1e6))
    return bad("commission_fixed", c.commission_fixed, "0..1000000 per order");
  if (!(c.slippage_bps >= 0 && c.slippage_bps <= 1000)) return bad("slippage_bps", c.slippage_bps, "0..1000");
  if (c.sizing != "all" && c.sizing != "units" && c.sizing != "fraction" && c.sizing != "vol_target")
    return "sizing '" + c.sizing + "' is unknown (all, units, fraction or vol_target)";
  if (c.sizing != "all" && !(c.size > 0)) return bad("size", c.size, "> 0 for units, fraction and vol_target");
  if (c.sizing == "fraction" && c.size > 1) return bad("size", c.size, "a fraction of equity, 0..1");
  if (c.sizing == "vol_target" && (c.vol_lookback < 2 || c.vol_lookback > 1000))
    return bad("vol_lookback", c.vol_lookback, "2..1000 bars");
  return "";
}

sim::engine_config paper_engine_config(const paper_config& c, const std::string& timespan) {
  sim::engine_config ec;
  ec.cash = c.cash;
  ec.commission.type = sim::commission_model::kind::combined;
  ec.commission.rate = c.commission_bps;
  ec.commission.per_share = c.commission_per_share;
  ec.commission.minimum = c.commission_min;
  ec.commission.fixed = c.commission_fixed;
  ec.slippage.bps = c.slippage_bps;
  if (c.sizing == "units") ec.sizing.type = sim::sizing_rule::kind::units;
  else if (c.sizing == "fraction") ec.sizing.type = sim::sizing_rule::kind::fraction;
  else if (c.sizing == "vol_target") ec.sizing.type = sim::sizing_rule::kind::vol_target;
  else ec.sizing.type = sim::sizing_rule::kind::all;
  ec.sizing.value = c.size;
  ec.sizing.vol_lookback = c.vol_lookback;
  // Intraday bars have no calendar annualisation in stats; vol_target counts
  // a US session of 6.5 hours.
  double per_year = sim::periods_per_year_for(timespan);
  if (per_year == 0) per_year = timespan == "hour" ? 252 * 6.5 : timespan == "minute" ? 252 * 390.0 : 252;
  ec.sizing.periods_per_year = per_year;
  ec.fractional = c.fractional_shares;
  ec.allow_short = c.allow_short;
  return ec;
}

sim::signal_rule paper_signal_rule(const paper_config& c) {
  sim::signal_rule rule;
  rule.long_above = c.long_threshold;
  rule.short_below = c.short_threshold;
  rule.allow_short = c.allow_short;
  rule.exits.stop_loss = c.stop_loss;
  rule.exits.take_profit = c.take_profit;
  return rule;
}

std::string describe_costs(const paper_config& c) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f bps", c.commission_bps);
  std::string out = buf;
  if (c.commission_per_share > 0 || c.commission_min > 0) {
    std::snprintf(buf, sizeof buf, " + %g per share", c.commission_per_share);
    out += buf;
    if (c.commission_min > 0) {
      std::snprintf(buf, sizeof buf, " (min %.2f)", c.commission_min);
      out += buf;
    }
  }
  if (c.commission_fixed > 0) {
    std::snprintf(buf, sizeof buf, " + %.2f per order", c.commission_fixed);
    out += buf;
  }
  std::snprintf(buf, sizeof buf, " commission per fill, slippage %.1f bps", c.slippage_bps);
  return out + buf;
}

std::string describe_sizing(const paper_config& c) {
  char buf[96];
  if (c.sizing == "units") std::snprintf(buf, sizeof buf, "sizing %g shares per entry", c.size);
  else if (c.sizing == "fraction") std::snprintf(buf, sizeof buf, "sizing %.0f%% of equity per entry", 100 * c.size);
  else if (c.sizing == "vol_target")
    std::snprintf(buf, sizeof buf, "sizing to %.0f%% annual volatility over %d bars", 100 * c.size, c.vol_lookback);
  else std::snprintf(buf, sizeof buf, "sizing all of equity");
  std::string out = buf;
  out += c.fractional_shares ? " (fractional shares)" : " (whole shares)";
  if (c.stop_loss > 0) {
    std::snprintf(buf, sizeof buf, ", stop-loss %.1f%%", 100 * c.stop_loss);
    out += buf;
  }
  if (c.take_profit > 0) {
    std::snprintf(buf, sizeof buf, ", take-profit %.1f%%", 100 * c.take_profit);
    out += buf;
  }
  return out;
}

paper_result simulate_paper(const bar_series& series,
                            const std::vector<std::size_t>& bar_index,
                            const Eigen::VectorXd& prob, const paper_config& config) {
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

  const std::string problem = check_paper_config(config);
  if (!problem.empty()) throw std::invalid_argument("simulate_paper: " + problem);
  const sim::engine_config ec = paper_engine_config(config, series.timespan);
  const sim::signal_rule rule = paper_signal_rule(config);

  const std::size_t first = bar_index.front();
  const std::size_t last = bar_index.back();
  const Eigen::VectorXd values = prob;  // contiguous copy; prob may be a strided view's copy

  sim::engine model_run(ec);
  sim::model_signal_strategy model(bar_index, values.data(), rule);
  sim::run(model_run, model, series.bars, first, last);

  sim::engine hold_run(ec);
  sim::buy_hold_strategy hold;
  sim::run(hold_run, hold, series.bars, first, last);

  sim::engine sma_run(ec);
  sim::sma_cross_strategy sma(10, 30, config.allow_short, rule.exits);
  sim::run(sma_run, sma, series.bars, first, last);

  paper_result out;
  out.detail = sim::compute_performance(model_run, series.timespan, config.trials);
  out.buy_hold_detail = sim::compute_performance(hold_run, series.timespan, 1);
  out.sma_detail = sim::compute_performance(sma_run, series.timespan, 1);
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

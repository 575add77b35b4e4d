#pragma once
/// Paper trading over out-of-sample predictions.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "ml/market/bar.hpp"
#include "ml/sim/stats.hpp"
#include "ml/sim/strategies.hpp"

namespace mlt::ml {

/// A trial's trading settings: the one source of the costs, sizing and
/// brackets of its paper run, its SMA baseline and its forward portfolio.
struct paper_config {
  double cash = 100000;
  double commission_bps = 1.0;   ///< of notional, per fill
  double commission_per_share = 0; ///< currency per share, per fill, added to the bps charge
  double commission_min = 0;     ///< least per-share charge per fill (0 = none)
  double commission_fixed = 0;   ///< currency per fill, added to the rest
  double slippage_bps = 0.0;
  double long_threshold = 0.55;  ///< go long when P(up) > this
  double short_threshold = 0.45; ///< go short when P(up) < this and shorting is on
  bool allow_short = false;
  bool fractional_shares = false; ///< else whole shares, rounded down
  double stop_loss = 0;           ///< bracket on every entry, fraction of the fill price (0 = none)
  double take_profit = 0;         ///< bracket on every entry, fraction of the fill price (0 = none)
  int trials = 1;                 ///< configurations tried in the trial (deflated Sharpe)
  std::string sizing = "all";     ///< all | units | fraction | vol_target (see sim::sizing_rule)
  double size = 1;                ///< units: shares; fraction: share of equity; vol_target: annual volatility
  int vol_lookback = 20;          ///< vol_target: bars of returns measured
};

/// Empty, or a sentence naming the setting that is out of range.
std::string check_paper_config(const paper_config& c);
/// The simulator settings of a trial: commissions, slippage, sizing, shorting.
/// `timespan` annualises the volatility of vol_target sizing.
sim::engine_config paper_engine_config(const paper_config& c, const std::string& timespan);
/// The signal rule of a trial: thresholds, shorting and brackets.
sim::signal_rule paper_signal_rule(const paper_config& c);
/// "1.0 bps + 0.005 per share (min 1.00) + 2.00 per order, slippage 2.0 bps"
/// for plans and reports.
std::string describe_costs(const paper_config& c);
/// "sizing all of equity, stop-loss 2.0%, take-profit 4.0%" for plans and reports.
std::string describe_sizing(const paper_config& c);

struct paper_trade {
  std::string side;  ///< "long" | "short"
  double size = 0;
  std::int64_t entry_time = 0;
  double entry_price = 0;
  std::int64_t exit_time = 0;  ///< 0 while open
  double exit_price = 0;
  double pnl = 0;
  double ret = 0;      ///< pnl / entry notional, net of commission
  bool open = false;
  double mark_price = 0;  ///< exit price, or the last close while open
  std::string exit_reason;  ///< "signal" | "stop_loss" | "take_profit" | "" while open
};

struct equity_point {
  std::int64_t time = 0;
  double equity = 0;
};

struct paper_stats {
  double total_return = 0;
  double final_equity = 0;
  double cagr = 0;
  double sharpe = 0;        ///< mean/std of per-bar returns * sqrt(periods per year), see sim/stats.hpp
  double max_drawdown = 0;  ///< as a positive fraction
  int trades = 0;           ///< closed round trips plus the open one
  double win_rate = 0;
  double exposure = 0;
  double fees = 0;
};

struct paper_result {
  paper_stats stats;
  paper_stats buy_hold;
  std::vector<equity_point> equity;
  std::vector<equity_point> buy_hold_equity;
  std::vector<paper_trade> trades;
  sim::performance detail;           ///< every statistic of the strategy
  sim::performance buy_hold_detail;  ///< the same for buy-and-hold
  sim::performance sma_detail;       ///< the SMA(10, 30) crossover baseline
  std::vector<double> drawdown;      ///< per equity point, positive fractions
};

/// Trades bars[bar_index[i]] on prob[i]: a signal formed at the close of a bar
/// fills at the next bar's open. Buy-and-hold over the same bars beside it.
///
/// The run covers bars bar_index.front() .. bar_index.back(); the equity curve
/// has one point per bar at its close and starts at `cash`. A signal at the
/// last bar has no next bar inside the run and is not traded. Between signal
/// bars the position is held. Sizing is "all": each entry buys (or sells
/// short) as many shares as equity pays for at the fill price, commission
/// included, after closing any opposite position (or as config.sizing says).
/// Buy-and-hold buys the same way at the open after the first bar and holds;
/// the SMA(10, 30) crossover trades the same bars. All three pay the same
/// commissions and slippage, and the SMA crossover's entries carry the same
/// stop-loss and take-profit brackets as the model's. An open position at the end
/// is marked to the last close and listed with open = true.
/// Throws std::invalid_argument when bar_index and prob disagree in length, are
/// empty, are not strictly increasing, or point past the series.
paper_result simulate_paper(const bar_series& series,
                            const std::vector<std::size_t>& bar_index,
                            const Eigen::VectorXd& prob, const paper_config& config);

}  // namespace mlt::ml

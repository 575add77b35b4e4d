#pragma once
/// Paper trading over out-of-sample predictions.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "ml/market/bar.hpp"

namespace mlt::ml {

struct paper_config {
  double cash = 100000;
  double commission_bps = 1.0;   ///< of notional, per fill
  double slippage_bps = 0.0;
  double long_threshold = 0.55;  ///< go long when P(up) > this
  double short_threshold = 0.45; ///< go short when P(up) < this and shorting is on
  bool allow_short = false;
};

struct paper_trade {
  std::string side;  ///< "long" | "short"
  double size = 0;
  std::int64_t entry_time = 0;
  double entry_price = 0;
  std::int64_t exit_time = 0;  ///< 0 while open
  double exit_price = 0;
  double pnl = 0;
  double ret = 0;
  bool open = false;
};

struct equity_point {
  std::int64_t time = 0;
  double equity = 0;
};

struct paper_stats {
  double total_return = 0;
  double final_equity = 0;
  double cagr = 0;
  double sharpe = 0;        ///< mean/std of daily returns * sqrt(252)
  double max_drawdown = 0;  ///< as a positive fraction
  int trades = 0;
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
};

/// Trades bars[bar_index[i]] on prob[i]: a signal formed at the close of a bar
/// fills at the next bar's open. Buy-and-hold over the same bars beside it.
paper_result simulate_paper(const bar_series& series,
                            const std::vector<std::size_t>& bar_index,
                            const Eigen::VectorXd& prob, const paper_config& config);

}  // namespace mlt::ml

#pragma once
/// Performance statistics of an equity curve and its trades.
///
/// Formulas (E_t = equity at the close of bar t, t = 0..n-1):
///  - period returns r_t = E_t / E_{t-1} - 1, t = 1..n-1; risk-free rate 0.
///  - periods per year P: 252 for daily bars, 52 weekly, 12 monthly; for
///    intraday (or unknown) bars, (n - 1) / years of the sample.
///  - years = (time of last bar - time of first bar) / 365.25 days.
///  - total_return = E_{n-1} / E_0 - 1; CAGR = (E_{n-1} / E_0)^(1 / years) - 1.
///  - volatility = stdev(r) * sqrt(P), stdev with n - 2 degrees of freedom (ddof 1).
///  - Sharpe = mean(r) / stdev(r) * sqrt(P).
///  - Sortino = mean(r) / sqrt(mean(min(r_t, 0)^2)) * sqrt(P) (target 0, all periods).
///  - drawdown_t = 1 - E_t / max_{s<=t} E_s (a positive fraction); Calmar = CAGR / max drawdown.
///  - max drawdown duration: the longest stretch from a peak to the bar that
///    regains it (or to the end), in bars and in calendar days.
///  - average drawdown: mean of the deepest point of each drawdown episode.
///  - trade statistics use every listed trade, the open one marked to the last
///    close: win rate = share with pnl > 0; profit factor = gross profit /
///    gross loss; expectancy = mean pnl (currency); avg/best/worst trade on
///    trade returns (pnl / entry notional); SQN = sqrt(N) * mean(pnl) / stdev(pnl).
///  - exposure = share of bars closed with a position on; turnover = traded
///    notional / mean equity.
///  - probabilistic Sharpe ratio (Bailey & López de Prado 2012):
///    PSR(SR*) = Phi((SR - SR*) sqrt(n - 1) / sqrt(1 - g3 SR + (g4 - 1) / 4 SR^2)),
///    SR the per-period (not annualised) Sharpe, g3 skewness, g4 kurtosis
///    (not excess), n the number of returns; `psr` uses SR* = 0.
///  - deflated Sharpe ratio (Bailey & López de Prado 2014): PSR(SR0) with
///    SR0 = sqrt(V) ((1 - gamma) Phi^-1(1 - 1/N) + gamma Phi^-1(1 - 1/(N e))),
///    N the number of configurations tried, gamma = 0.5772... (Euler-Mascheroni),
///    V the variance of the Sharpe ratios across those trials; when it is not
///    known, the estimator variance (1 - g3 SR + (g4 - 1)/4 SR^2) / (n - 1).
///    With N = 1, DSR = PSR(0). In a trial, N counts every configuration fitted
///    for the symbol and target on the daemon, and V is the variance of their
///    `signal_sharpe` on validation rows (see README, "Multiple testing").
/// Non-finite results (a profit factor with no losing trade) are +infinity;
/// writers show them as null.

#include <cstdint>
#include <string>
#include <vector>

#include "ml/sim/engine.hpp"

namespace mlt::ml::sim {

struct performance {
  double start_equity = 0;
  double final_equity = 0;
  double total_return = 0;
  double cagr = 0;
  double volatility = 0;  ///< annualised
  double sharpe = 0;
  double sortino = 0;
  double calmar = 0;
  double max_drawdown = 0;                 ///< positive fraction
  int max_drawdown_duration_bars = 0;
  double max_drawdown_duration_days = 0;
  double avg_drawdown = 0;                 ///< positive fraction
  int trades = 0;                          ///< closed + open
  int open_trades = 0;
  double win_rate = 0;
  double profit_factor = 0;
  double expectancy = 0;  ///< mean pnl per trade, currency
  double avg_trade = 0;   ///< mean trade return
  double best_trade = 0;
  double worst_trade = 0;
  double exposure = 0;
  double turnover = 0;
  double fees = 0;
  double slippage = 0;    ///< cost of slippage, currency
  double sqn = 0;
  double psr = 0;         ///< P(true Sharpe > 0)
  double dsr = 0;         ///< PSR against the best of `trials` null Sharpes
  int trials = 1;
  double periods_per_year = 0;
  double years = 0;
  double skewness = 0;
  double kurtosis = 0;    ///< not excess (normal = 3)
  int bars = 0;
};

/// Periods per year for a bar timespan ("day", "week", "month"); 0 when it
/// must come from the sample (intraday or unknown).
double periods_per_year_for(const std::string& timespan);

/// Mean of `v`; 0 when empty.
double mean_of(const std::vector<double>& v);
/// Sample standard deviation (ddof 1) of `v` around `mean`; 0 below two values.
double stdev_of(const std::vector<double>& v, double mean);

/// Drawdown of each equity point (positive fractions).
std::vector<double> drawdown_series(const std::vector<equity_sample>& equity);

/// Cumulative standard normal distribution.
double normal_cdf(double x);
/// Inverse of `normal_cdf` for p in (0, 1).
double normal_quantile(double p);

/// PSR(SR*) for per-period Sharpe `sr` over `n` returns with skewness `g3` and kurtosis `g4`.
double probabilistic_sharpe(double sr, double sr_star, double n, double g3, double g4);
/// Expected maximum Sharpe (per period) of `trials` unskilled trials of variance `sr_variance`.
double expected_max_sharpe(int trials, double sr_variance);

/// Per-period Sharpe ratio mean / stdev (ddof 1) of `returns`; 0 when there
/// are fewer than two returns or they do not vary.
double per_period_sharpe(const std::vector<double>& returns);

/// The one Sharpe ratio every fitted configuration is measured by, so that
/// configurations of any model, trial and paper rule are comparable: hold one
/// bar long after each row whose P(up) > 0.5, flat otherwise, no costs.
/// `next_bar_return[i]` is the return from row i's close to the next bar's
/// close. Per period (not annualised), as the deflated Sharpe needs it.
double signal_sharpe(const std::vector<double>& p_up, const std::vector<double>& next_bar_return);

/// Statistics of a run. `trials` >= 1 configurations were tried to get it;
/// `sharpe_variance_across_trials` (per-period Sharpe) if known, else 0.
performance compute_performance(const std::vector<equity_sample>& equity,
                                const std::vector<trade>& trades, double fees,
                                double slippage, double traded_notional,
                                const std::string& timespan, int trials = 1,
                                double sharpe_variance_across_trials = 0);

/// Statistics straight from an engine (its trades, the open one marked).
performance compute_performance(const engine& e, const std::string& timespan,
                                int trials = 1, double sharpe_variance_across_trials = 0);

}  // namespace mlt::ml::sim

#include "ml/sim/stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <boost/math/distributions/normal.hpp>

namespace mlt::ml::sim {

namespace {

constexpr double seconds_per_year = 365.25 * 86400.0;
constexpr double euler_gamma = 0.57721566490153286061;

}  // namespace

double mean_of(const std::vector<double>& v) {
  if (v.empty()) return 0;
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

double stdev_of(const std::vector<double>& v, double mean) {
  if (v.size() < 2) return 0;
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

double periods_per_year_for(const std::string& timespan) {
  if (timespan == "day") return 252;
  if (timespan == "week") return 52;
  if (timespan == "month") return 12;
  if (timespan == "quarter") return 4;
  if (timespan == "year") return 1;
  return 0;
}

std::vector<double> drawdown_series(const std::vector<equity_sample>& equity) {
  std::vector<double> dd(equity.size());
  double peak = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < equity.size(); ++i) {
    peak = std::max(peak, equity[i].equity);
    dd[i] = peak > 0 ? 1 - equity[i].equity / peak : 0;
  }
  return dd;
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

double normal_quantile(double p) {
  return boost::math::quantile(boost::math::normal_distribution<double>(0, 1), p);
}

double probabilistic_sharpe(double sr, double sr_star, double n, double g3, double g4) {
  if (n < 2) return 0;
  const double denom = 1 - g3 * sr + (g4 - 1) / 4 * sr * sr;
  if (!(denom > 0)) return sr > sr_star ? 1 : 0;
  return normal_cdf((sr - sr_star) * std::sqrt(n - 1) / std::sqrt(denom));
}

double expected_max_sharpe(int trials, double sr_variance) {
  if (trials <= 1 || sr_variance <= 0) return 0;
  const double n = trials;
  return std::sqrt(sr_variance) * ((1 - euler_gamma) * normal_quantile(1 - 1 / n) +
                                   euler_gamma * normal_quantile(1 - 1 / (n * std::exp(1.0))));
}

double per_period_sharpe(const std::vector<double>& returns) {
  const double mu = mean_of(returns);
  const double sd = stdev_of(returns, mu);
  return sd > 0 ? mu / sd : 0;
}

double signal_sharpe(const std::vector<double>& p_up, const std::vector<double>& next_bar_return) {
  std::vector<double> r(std::min(p_up.size(), next_bar_return.size()));
  for (std::size_t i = 0; i < r.size(); ++i) r[i] = p_up[i] > 0.5 ? next_bar_return[i] : 0.0;
  return per_period_sharpe(r);
}

namespace {

// Start and final equity, total return, CAGR and the periods per year.
void add_growth(performance& p, const std::vector<equity_sample>& equity, const std::string& timespan) {
  const std::size_t n = equity.size();
  p.start_equity = equity.front().equity;
  p.final_equity = equity.back().equity;
  p.total_return = p.start_equity != 0 ? p.final_equity / p.start_equity - 1 : 0;
  p.years = static_cast<double>(equity.back().time - equity.front().time) / seconds_per_year;
  if (p.years > 0 && p.start_equity > 0 && p.final_equity > 0)
    p.cagr = std::pow(p.final_equity / p.start_equity, 1 / p.years) - 1;
  p.periods_per_year = periods_per_year_for(timespan);
  if (p.periods_per_year == 0 && p.years > 0)
    p.periods_per_year = static_cast<double>(n - 1) / p.years;
}

std::vector<double> period_returns(const std::vector<equity_sample>& equity) {
  const std::size_t n = equity.size();
  std::vector<double> r;
  r.reserve(n > 0 ? n - 1 : 0);
  for (std::size_t i = 1; i < n; ++i)
    r.push_back(equity[i - 1].equity != 0 ? equity[i].equity / equity[i - 1].equity - 1 : 0);
  return r;
}

// Skewness and kurtosis from population moments, as in Bailey & López de Prado;
// then the probabilistic and deflated Sharpe ratios of the per-period Sharpe `sr`.
void add_sharpe_confidence(performance& p, const std::vector<double>& r, double mu, double sd, double sr,
                           double sharpe_variance_across_trials) {
  if (r.size() < 2) return;
  double m2 = 0, m3 = 0, m4 = 0;
  for (double x : r) {
    const double d = x - mu;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  const double k = static_cast<double>(r.size());
  m2 /= k;
  m3 /= k;
  m4 /= k;
  if (m2 > 0) {
    p.skewness = m3 / std::pow(m2, 1.5);
    p.kurtosis = m4 / (m2 * m2);
  }
  const double nr = static_cast<double>(r.size());
  if (sd > 0) {
    p.psr = probabilistic_sharpe(sr, 0, nr, p.skewness, p.kurtosis);
    double v = sharpe_variance_across_trials;
    if (v <= 0) v = (1 - p.skewness * sr + (p.kurtosis - 1) / 4 * sr * sr) / (nr - 1);
    p.dsr = probabilistic_sharpe(sr, expected_max_sharpe(p.trials, v), nr, p.skewness,
                                 p.kurtosis);
  }
}

// Volatility, Sharpe, Sortino and the Sharpe's confidence from per-period returns.
void add_return_stats(performance& p, const std::vector<double>& r, double sharpe_variance_across_trials) {
  const double mu = mean_of(r);
  const double sd = stdev_of(r, mu);
  const double ann = std::sqrt(p.periods_per_year);
  p.volatility = sd * ann;
  double sr = 0;
  if (sd > 0) {
    sr = mu / sd;
    p.sharpe = sr * ann;
  }
  double down = 0;
  for (double x : r) down += x < 0 ? x * x : 0;
  if (!r.empty()) down = std::sqrt(down / static_cast<double>(r.size()));
  if (down > 0) p.sortino = mu / down * ann;
  else if (mu > 0) p.sortino = std::numeric_limits<double>::infinity();
  add_sharpe_confidence(p, r, mu, sd, sr, sharpe_variance_across_trials);
}

// Drawdowns: depth, episodes, durations (peak to the bar that regains it, or the end).
void add_drawdowns(performance& p, const std::vector<equity_sample>& equity) {
  const std::size_t n = equity.size();
  double peak = equity.front().equity;
  std::size_t peak_i = 0;
  double episode_depth = 0;
  std::vector<double> depths;
  auto close_episode = [&](std::size_t end_i) {
    if (episode_depth <= 0) return;
    depths.push_back(episode_depth);
    const int bars = static_cast<int>(end_i - peak_i);
    if (bars > p.max_drawdown_duration_bars) {
      p.max_drawdown_duration_bars = bars;
      p.max_drawdown_duration_days =
          static_cast<double>(equity[end_i].time - equity[peak_i].time) / 86400.0;
    }
    episode_depth = 0;
  };
  for (std::size_t i = 0; i < n; ++i) {
    const double e = equity[i].equity;
    if (e >= peak) {
      close_episode(i);
      peak = e;
      peak_i = i;
      continue;
    }
    const double dd = peak > 0 ? 1 - e / peak : 0;
    episode_depth = std::max(episode_depth, dd);
    p.max_drawdown = std::max(p.max_drawdown, dd);
  }
  close_episode(n - 1);
  p.avg_drawdown = mean_of(depths);
  if (p.max_drawdown > 0) p.calmar = p.cagr / p.max_drawdown;
}

// Exposure (share of bars in the market) and turnover (traded notional / mean equity).
void add_exposure(performance& p, const std::vector<equity_sample>& equity, double traded_notional) {
  const std::size_t n = equity.size();
  std::size_t exposed = 0;
  double equity_sum = 0;
  for (const equity_sample& s : equity) {
    exposed += s.position != 0 ? 1 : 0;
    equity_sum += s.equity;
  }
  p.exposure = static_cast<double>(exposed) / static_cast<double>(n);
  const double mean_equity = equity_sum / static_cast<double>(n);
  p.turnover = mean_equity > 0 ? traded_notional / mean_equity : 0;
}

void add_trade_stats(performance& p, const std::vector<trade>& trades) {
  p.trades = static_cast<int>(trades.size());
  if (trades.empty()) return;
  std::vector<double> pnl, ret;
  double gross_win = 0, gross_loss = 0;
  int wins = 0;
  p.best_trade = -std::numeric_limits<double>::infinity();
  p.worst_trade = std::numeric_limits<double>::infinity();
  for (const trade& t : trades) {
    p.open_trades += t.open ? 1 : 0;
    pnl.push_back(t.pnl);
    ret.push_back(t.ret);
    if (t.pnl > 0) {
      ++wins;
      gross_win += t.pnl;
    } else {
      gross_loss -= t.pnl;
    }
    p.best_trade = std::max(p.best_trade, t.ret);
    p.worst_trade = std::min(p.worst_trade, t.ret);
  }
  p.win_rate = static_cast<double>(wins) / static_cast<double>(trades.size());
  p.profit_factor = gross_loss > 0 ? gross_win / gross_loss
                                   : (gross_win > 0 ? std::numeric_limits<double>::infinity() : 0);
  p.expectancy = mean_of(pnl);
  p.avg_trade = mean_of(ret);
  const double sp = stdev_of(pnl, p.expectancy);
  if (sp > 0) p.sqn = std::sqrt(static_cast<double>(pnl.size())) * p.expectancy / sp;
}

}  // namespace

performance compute_performance(const std::vector<equity_sample>& equity,
                                const std::vector<trade>& trades, double fees,
                                double slippage, double traded_notional,
                                const std::string& timespan, int trials,
                                double sharpe_variance_across_trials) {
  performance p;
  p.fees = fees;
  p.slippage = slippage;
  p.trials = std::max(trials, 1);
  p.bars = static_cast<int>(equity.size());
  if (equity.empty()) return p;
  add_growth(p, equity, timespan);
  add_return_stats(p, period_returns(equity), sharpe_variance_across_trials);
  add_drawdowns(p, equity);
  add_exposure(p, equity, traded_notional);
  add_trade_stats(p, trades);
  return p;
}

performance compute_performance(const engine& e, const std::string& timespan, int trials,
                                double sharpe_variance_across_trials) {
  const engine_state& s = e.state();
  return compute_performance(s.equity, e.trades_with_open(), s.fees, s.slippage_cost,
                             s.traded_notional, timespan, trials,
                             sharpe_variance_across_trials);
}

}  // namespace mlt::ml::sim

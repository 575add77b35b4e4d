#pragma once
/// CAF inspect overloads for the plain ml types that travel inside messages.
/// They live beside the types' namespace so argument-dependent lookup finds them.

#include <caf/meta/type_name.hpp>

#include "ml/eval/metrics.hpp"
#include "ml/market/bar.hpp"
#include "ml/sim/paper_sim.hpp"

namespace mlt::ml {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, bar& x) {
  return f(caf::meta::type_name("bar"), x.time, x.open, x.high, x.low, x.close, x.volume);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, bar_series& x) {
  return f(caf::meta::type_name("bar_series"), x.symbol, x.timespan, x.source, x.origin,
           x.synthetic, x.bars, x.warnings);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, classification_metrics& x) {
  return f(caf::meta::type_name("classification_metrics"), x.n, x.accuracy, x.balanced_accuracy,
           x.precision, x.recall, x.f1, x.roc_auc, x.log_loss, x.brier, x.base_rate, x.tp, x.fp,
           x.tn, x.fn);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, regression_metrics& x) {
  return f(caf::meta::type_name("regression_metrics"), x.n, x.rmse, x.mae, x.ic, x.pearson, x.hit_rate);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, paper_stats& x) {
  return f(caf::meta::type_name("paper_stats"), x.total_return, x.final_equity, x.cagr, x.sharpe,
           x.max_drawdown, x.trades, x.win_rate, x.exposure, x.fees);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, paper_trade& x) {
  return f(caf::meta::type_name("paper_trade"), x.side, x.size, x.entry_time, x.entry_price,
           x.exit_time, x.exit_price, x.pnl, x.ret, x.open, x.mark_price, x.exit_reason);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, equity_point& x) {
  return f(caf::meta::type_name("equity_point"), x.time, x.equity);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, paper_config& x) {
  return f(caf::meta::type_name("paper_config"), x.cash, x.commission_bps, x.commission_per_share,
           x.commission_min, x.commission_fixed, x.slippage_bps, x.long_threshold, x.short_threshold,
           x.allow_short, x.fractional_shares, x.stop_loss, x.take_profit, x.trials, x.sizing, x.size,
           x.vol_lookback);
}

}  // namespace mlt::ml

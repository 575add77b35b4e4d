#pragma once
/// CAF inspect overloads for a forward paper portfolio (ml::sim), so the
/// store keeps it as a typed record and it can cross a process boundary.
/// They live in the types' namespace so argument-dependent lookup finds them.

#include <string>

#include <caf/meta/type_name.hpp>

#include "ml/sim/portfolio.hpp"

namespace mlt::ml::sim {

// CAF serialises enums by their underlying number; printing one (CAF's
// to_string of a message) needs these.
inline std::string to_string(commission_model::kind x) { return std::to_string(static_cast<int>(x)); }
inline std::string to_string(sizing_rule::kind x) { return std::to_string(static_cast<int>(x)); }
inline std::string to_string(order_kind x) { return std::to_string(static_cast<int>(x)); }
inline std::string to_string(order_target x) { return std::to_string(static_cast<int>(x)); }
inline std::string to_string(fill_reason x) { return std::to_string(static_cast<int>(x)); }

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, commission_model& x) {
  return f(caf::meta::type_name("commission_model"), x.type, x.rate, x.minimum, x.per_share, x.fixed);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, slippage_model& x) {
  return f(caf::meta::type_name("slippage_model"), x.bps, x.range_fraction);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sizing_rule& x) {
  return f(caf::meta::type_name("sizing_rule"), x.type, x.value, x.vol_lookback, x.periods_per_year);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, engine_config& x) {
  return f(caf::meta::type_name("engine_config"), x.cash, x.commission, x.slippage, x.sizing, x.fractional,
           x.allow_short, x.leverage);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, bracket& x) {
  return f(caf::meta::type_name("bracket"), x.stop_loss, x.take_profit);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order& x) {
  return f(caf::meta::type_name("order"), x.id, x.kind, x.target, x.price, x.quantity, x.fraction, x.exits,
           x.eligible_from, x.parent, x.reason);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fill& x) {
  return f(caf::meta::type_name("fill"), x.order_id, x.time, x.quantity, x.price, x.commission, x.slippage,
           x.reason);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trade& x) {
  return f(caf::meta::type_name("trade"), x.direction, x.size, x.entry_time, x.entry_price, x.exit_time,
           x.exit_price, x.mark_price, x.commission, x.pnl, x.ret, x.bars_held, x.open, x.exit_reason);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, equity_sample& x) {
  return f(caf::meta::type_name("equity_sample"), x.time, x.equity, x.position, x.close);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, engine_state& x) {
  return f(caf::meta::type_name("engine_state"), x.cash, x.position, x.current, x.pending, x.next_id, x.started,
           x.last_time, x.last_close, x.recent_closes, x.fees, x.slippage_cost, x.traded_notional, x.trades,
           x.fills, x.equity);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, signal_rule& x) {
  return f(caf::meta::type_name("signal_rule"), x.long_above, x.short_below, x.allow_short, x.exits);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, paper_portfolio& x) {
  return f(caf::meta::type_name("paper_portfolio"), x.symbol, x.model, x.config, x.rule, x.state);
}

}  // namespace mlt::ml::sim

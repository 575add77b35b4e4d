#pragma once
/// Forward paper trading: a portfolio for one (symbol, model) that is advanced
/// with new bars and model outputs, and saved as JSON between updates.
///
/// Bars already seen (time <= the last processed bar) are skipped, so
/// replaying an overlapping batch never trades a bar twice. A signal at the
/// close of the newest bar leaves a pending order in the state; it fills at
/// the open of the next bar that arrives, as in a backtest.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ml/sim/engine.hpp"
#include "ml/sim/stats.hpp"
#include "ml/sim/strategies.hpp"

namespace mlt::ml::sim {

struct paper_portfolio {
  std::string symbol;
  std::string model;
  engine_config config;
  signal_rule rule;
  engine_state state;
};

/// A fresh portfolio holding `config.cash`.
paper_portfolio make_portfolio(std::string symbol, std::string model, engine_config config,
                               signal_rule rule);

/// What one update did.
struct portfolio_update {
  std::size_t new_bars = 0;      ///< bars processed
  std::size_t skipped_bars = 0;  ///< bars already seen, ignored
  std::vector<fill> fills;       ///< fills made during this update
  std::vector<trade> closed;     ///< round trips closed during this update
  double equity = 0;             ///< after the update
  double position = 0;
  bool order_pending = false;    ///< an entry waits for the next bar's open
};

/// Trades `bars` (time-ordered) with `signal[k]` known at the close of
/// bars[k] (a probability or forecast, compared with `p.rule`; NaN = no
/// prediction, hold). Throws std::invalid_argument when the lengths differ.
portfolio_update advance(paper_portfolio& p, const std::vector<bar>& bars,
                         const std::vector<double>& signal);

/// One processed bar, for streaming a replay (fills and equity as they happen).
struct portfolio_step {
  const bar* at = nullptr;
  std::vector<fill> fills;  ///< fills inside this bar
  double equity = 0;        ///< at its close
  double position = 0;
};

/// As `advance`, calling `on_step` after each processed bar (the caller paces it).
portfolio_update advance(paper_portfolio& p, const std::vector<bar>& bars,
                         const std::vector<double>& signal,
                         const std::function<void(const portfolio_step&)>& on_step);

/// Statistics of the portfolio's whole history (the open position marked).
performance portfolio_performance(const paper_portfolio& p, const std::string& timespan);

/// The whole portfolio (config, rule, state and history) as a JSON object.
std::string to_json(const paper_portfolio& p);
/// Reads what `to_json` wrote; std::invalid_argument naming the field on error.
paper_portfolio portfolio_from_json(std::string_view json);

}  // namespace mlt::ml::sim

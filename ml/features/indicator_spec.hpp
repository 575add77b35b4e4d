#pragma once
/// Indicators named by a text spec such as "sma:30" or "macd:12,26,9".

#include <string>
#include <vector>

#include "ml/features/indicators.hpp"
#include "ml/market/bar.hpp"

namespace mlt::ml {

/// One output column: its CSV name (e.g. "macd_signal_12_26_9") and values.
struct indicator_column {
  std::string name;
  Eigen::VectorXd values;
};

/// Computes the indicator named by `spec` ("name" or "name:a,b,...") over the
/// series. Known: sma:N ema:N rsi[:N] atr[:N] macd[:F,S,G] bbands[:N,K]
/// bbpctb[:N,K] bbwidth[:N,K] stoch[:K,D] obv vzscore[:N] rvol[:N] ret:N logret:N dow.
/// Throws std::invalid_argument naming the spec and what is wrong.
std::vector<indicator_column> compute_indicator(const bar_series& series, const std::string& spec);

/// One line per known indicator with its arguments and output columns.
std::string indicator_help();

}  // namespace mlt::ml

#pragma once
/// The numbers behind the rules brain's decisions, in one place so the
/// README and the tests can cite them.

#include <string>

namespace mlt::brain::thresholds {

/// Annualised volatility above this is a "high" regime...
constexpr double high_vol_annual = 0.45;
/// ...and so is recent volatility this many times the long-run level.
constexpr double high_vol_ratio = 1.5;
/// Below this (and no recent spike) the regime is "low".
constexpr double low_vol_annual = 0.15;
/// train_ratio by regime; "normal" keeps the plan's ratio.
constexpr double train_ratio_high = 0.6;
constexpr double train_ratio_low = 0.75;

/// Overfitting at a checkpoint: validation log loss exceeds training log
/// loss by more than this and rose since the last checkpoint.
constexpr double overfit_gap = 0.05;
/// Stalled: the last three checkpoints improved validation loss by less than this.
constexpr double stall_delta = 0.001;

/// An edge is real when validation accuracy beats the better of 0.5 and the
/// majority-class rate p by this many binomial standard errors
/// (sqrt(p(1-p)/n)), and the model predicts both classes.
constexpr double edge_z = 2.0;
/// Train minus validation accuracy above this at the results checkpoint
/// means overfitting: retrain more regularised.
constexpr double results_overfit_gap = 0.15;
/// Evaluations the optimiser gets when the agent asks for one.
constexpr int optimize_budget = 12;

/// "low" | "normal" | "high" from annual and recent volatility.
std::string classify_regime(double vol_annual, double vol_recent);

}  // namespace mlt::brain::thresholds

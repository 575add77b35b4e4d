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

/// switch_model considers a net only with enough training rows to feed its
/// thousands of weights: the LSTM from this many...
constexpr int lstm_min_train_rows = 2000;
/// ...the Transformer (more weights per input) from this many.
constexpr int transformer_min_train_rows = 4000;
/// At switch_model, train minus validation accuracy above this means
/// variance: switch to a simpler model (or the ensemble's average), not a
/// more flexible one.
constexpr double switch_overfit_gap = 0.05;

/// Regularisation when a sequence model (lstm, transformer) overfits:
/// dropout at the first and the second modification or retrain.
constexpr double seq_dropout_first = 0.3;
constexpr double seq_dropout_second = 0.5;

// Checkpoint protocol, in order (rules_brain.cpp):
//  progress:  non-finite loss -> stop; gap > overfit_gap and rising -> modify
//             once (more regularised), then stop; stalled (stall_delta over 3
//             checkpoints) -> stop; else continue.
//  results:   budget spent -> continue; the person asked to optimise and the
//             model can be tuned -> optimize (first results only); train-val
//             accuracy gap > results_overfit_gap -> retrain regularised (at
//             most twice); edge > edge_z standard errors -> continue; else
//             switch_model (attempt 1), retrain (2), optimize (3), continue.
//  switch:    every model of ml::model_names() is considered; never the
//             majority baseline, the current or an already tried model, nor
//             a net with fewer training rows than its minimum above. On the
//             capacity ladder logistic < xgboost < lstm < transformer: gap >
//             switch_overfit_gap -> the nearest simpler model, else the
//             ensemble; otherwise the nearest more flexible one; failing
//             that, the nearest eligible one.

/// "low" | "normal" | "high" from annual and recent volatility.
std::string classify_regime(double vol_annual, double vol_recent);

}  // namespace mlt::brain::thresholds

#pragma once
/// Out-of-sample classification metrics.

#include <cstddef>

#include <Eigen/Dense>

namespace mlt::ml {

struct classification_metrics {
  std::size_t n = 0;
  double accuracy = 0;
  double balanced_accuracy = 0;
  double precision = 0;
  double recall = 0;
  double f1 = 0;
  double roc_auc = 0.5;
  double log_loss = 0;
  double brier = 0;
  double base_rate = 0;  ///< share of label 1
  std::size_t tp = 0, fp = 0, tn = 0, fn = 0;
};

/// Metrics of probabilities `p` against labels `y` (0/1), threshold 0.5.
classification_metrics evaluate_classification(const Eigen::VectorXd& y,
                                               const Eigen::VectorXd& p);

/// Out-of-sample regression metrics (e.g. predicted against realised forward return).
struct regression_metrics {
  std::size_t n = 0;
  double rmse = 0;
  double mae = 0;
  double ic = 0;       ///< information coefficient: Spearman rank correlation (mid-ranks for ties)
  double pearson = 0;  ///< linear correlation
  double hit_rate = 0; ///< share of rows where prediction and outcome have the same sign
};

/// Metrics of predictions `pred` against outcomes `y`; correlations are 0 when
/// either side is constant.
regression_metrics evaluate_regression(const Eigen::VectorXd& y, const Eigen::VectorXd& pred);

/// Mid-ranks (1-based, ties averaged) of `x`.
Eigen::VectorXd mid_ranks(const Eigen::VectorXd& x);

}  // namespace mlt::ml

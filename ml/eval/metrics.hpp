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

}  // namespace mlt::ml

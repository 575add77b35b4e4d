#pragma once
/// Out-of-sample metrics with standard errors, for walk-forward evidence.

#include <cstddef>

#include <Eigen/Dense>

namespace mlt::ml {

/// Accuracy, AUC, log loss and IC of P(up) with their standard errors. The
/// errors treat rows as independent; with a horizon h > 1 neighbouring labels
/// overlap and the true errors are larger (about sqrt(h) times).
struct oos_metrics {
  std::size_t n = 0;
  double accuracy = 0;
  double accuracy_se = 0;  ///< binomial: sqrt(acc (1 - acc) / n)
  double auc = 0.5;
  double auc_se = 0;       ///< Hanley and McNeil (1982)
  double log_loss = 0;
  double log_loss_se = 0;  ///< sample deviation of the per-row loss / sqrt(n)
  double ic = 0;           ///< Spearman rank correlation of P(up) with the forward return
  double ic_se = 0;        ///< sqrt(1.06 / (n - 3)): Fieller, Hartley and Pearson (1957), Fisher-z scale
};

/// Metrics of probabilities `p` against labels `y` (0/1) and the realised
/// forward returns; throws std::invalid_argument when the sizes differ.
oos_metrics evaluate_oos(const Eigen::VectorXd& y, const Eigen::VectorXd& p, const Eigen::VectorXd& forward_return);

/// Hanley-McNeil standard error of an AUC with n_pos positives and n_neg negatives.
double auc_standard_error(double auc, std::size_t n_pos, std::size_t n_neg);

/// The majority class of `train_y` (1 on a tie) and its rate among `block_y`:
/// what always predicting the training majority would score on the block.
double majority_rate(const Eigen::VectorXd& train_y, const Eigen::VectorXd& block_y, int* majority_class = nullptr);

}  // namespace mlt::ml

#include "ml/eval/oos_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "ml/eval/metrics.hpp"

namespace mlt::ml {

double auc_standard_error(double auc, std::size_t n_pos, std::size_t n_neg) {
  if (n_pos == 0 || n_neg == 0) return 0;
  const double q1 = auc / (2.0 - auc);
  const double q2 = 2.0 * auc * auc / (1.0 + auc);
  const double a2 = auc * auc;
  const double var = (auc * (1.0 - auc) + (static_cast<double>(n_pos) - 1.0) * (q1 - a2) +
                      (static_cast<double>(n_neg) - 1.0) * (q2 - a2)) /
                     (static_cast<double>(n_pos) * static_cast<double>(n_neg));
  return std::sqrt(std::max(0.0, var));
}

oos_metrics evaluate_oos(const Eigen::VectorXd& y, const Eigen::VectorXd& p, const Eigen::VectorXd& forward_return) {
  if (y.size() != p.size() || y.size() != forward_return.size())
    throw std::invalid_argument("evaluate_oos: " + std::to_string(y.size()) + " labels, " + std::to_string(p.size()) +
                                " probabilities and " + std::to_string(forward_return.size()) + " forward returns");
  oos_metrics m;
  m.n = static_cast<std::size_t>(y.size());
  if (m.n == 0) return m;
  const auto c = evaluate_classification(y, p);
  const double n = static_cast<double>(m.n);
  m.accuracy = c.accuracy;
  m.accuracy_se = std::sqrt(c.accuracy * (1.0 - c.accuracy) / n);
  m.auc = c.roc_auc;
  m.auc_se = auc_standard_error(c.roc_auc, c.tp + c.fn, c.tn + c.fp);
  m.log_loss = c.log_loss;
  // Per-row losses with the same clamp as evaluate_classification.
  constexpr double eps = 1e-15;
  double ss = 0;
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    const double q = std::clamp(p[i], eps, 1.0 - eps);
    const double loss = y[i] > 0.5 ? -std::log(q) : -std::log(1.0 - q);
    ss += (loss - c.log_loss) * (loss - c.log_loss);
  }
  m.log_loss_se = m.n > 1 ? std::sqrt(ss / (n - 1.0) / n) : 0.0;
  m.ic = evaluate_regression(forward_return, p).ic;
  m.ic_se = m.n > 3 ? std::sqrt(1.06 / (n - 3.0)) : 0.0;
  return m;
}

double majority_rate(const Eigen::VectorXd& train_y, const Eigen::VectorXd& block_y, int* majority_class) {
  const double ups = (train_y.array() > 0.5).cast<double>().sum();
  const int cls = ups * 2.0 >= static_cast<double>(train_y.size()) ? 1 : 0;
  if (majority_class) *majority_class = cls;
  if (block_y.size() == 0) return 0;
  const double block_ups = (block_y.array() > 0.5).cast<double>().sum();
  const double share_up = block_ups / static_cast<double>(block_y.size());
  return cls == 1 ? share_up : 1.0 - share_up;
}

}  // namespace mlt::ml

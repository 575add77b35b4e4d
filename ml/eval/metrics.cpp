#include "ml/eval/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

namespace mlt::ml {

namespace {

// Mann-Whitney form of the AUC with mid-ranks for tied scores.
double roc_auc(const Eigen::VectorXd& y, const Eigen::VectorXd& p) {
  const auto n = static_cast<std::size_t>(y.size());
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return p[static_cast<Eigen::Index>(a)] < p[static_cast<Eigen::Index>(b)];
  });
  double rank_sum_pos = 0;
  double n_pos = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j + 1 < n && p[static_cast<Eigen::Index>(order[j + 1])] == p[static_cast<Eigen::Index>(order[i])]) ++j;
    const double mid_rank = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (std::size_t k = i; k <= j; ++k)
      if (y[static_cast<Eigen::Index>(order[k])] > 0.5) {
        rank_sum_pos += mid_rank;
        n_pos += 1;
      }
    i = j + 1;
  }
  const double n_neg = static_cast<double>(n) - n_pos;
  if (n_pos == 0 || n_neg == 0) return 0.5;
  return (rank_sum_pos - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg);
}

}  // namespace

classification_metrics evaluate_classification(const Eigen::VectorXd& y, const Eigen::VectorXd& p) {
  if (y.size() != p.size())
    throw std::invalid_argument("evaluate_classification: " + std::to_string(y.size()) + " labels but " +
                                std::to_string(p.size()) + " probabilities");
  classification_metrics m;
  m.n = static_cast<std::size_t>(y.size());
  if (m.n == 0) return m;
  constexpr double eps = 1e-15;
  double ll = 0, brier = 0;
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    const bool truth = y[i] > 0.5;
    const bool pred = p[i] >= 0.5;
    if (truth && pred) ++m.tp;
    else if (!truth && pred) ++m.fp;
    else if (!truth && !pred) ++m.tn;
    else ++m.fn;
    const double q = std::clamp(p[i], eps, 1.0 - eps);
    ll -= truth ? std::log(q) : std::log(1.0 - q);
    brier += (p[i] - (truth ? 1.0 : 0.0)) * (p[i] - (truth ? 1.0 : 0.0));
  }
  const double n = static_cast<double>(m.n);
  const auto ratio = [](std::size_t a, std::size_t b) {
    return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
  };
  m.accuracy = static_cast<double>(m.tp + m.tn) / n;
  m.precision = ratio(m.tp, m.tp + m.fp);
  m.recall = ratio(m.tp, m.tp + m.fn);
  m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0.0;
  const double specificity = ratio(m.tn, m.tn + m.fp);
  // With one class absent, balanced accuracy is the recall of the class present.
  if (m.tp + m.fn == 0) m.balanced_accuracy = specificity;
  else if (m.tn + m.fp == 0) m.balanced_accuracy = m.recall;
  else m.balanced_accuracy = (m.recall + specificity) / 2.0;
  m.roc_auc = roc_auc(y, p);
  m.log_loss = ll / n;
  m.brier = brier / n;
  m.base_rate = static_cast<double>(m.tp + m.fn) / n;
  return m;
}

namespace {

double correlation(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  const Eigen::ArrayXd da = a.array() - a.mean(), db = b.array() - b.mean();
  const double den = std::sqrt(da.square().sum() * db.square().sum());
  return den > 0 ? (da * db).sum() / den : 0.0;
}

}  // namespace

Eigen::VectorXd mid_ranks(const Eigen::VectorXd& x) {
  const auto n = static_cast<std::size_t>(x.size());
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return x[static_cast<Eigen::Index>(a)] < x[static_cast<Eigen::Index>(b)];
  });
  Eigen::VectorXd r(x.size());
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j + 1 < n && x[static_cast<Eigen::Index>(order[j + 1])] == x[static_cast<Eigen::Index>(order[i])]) ++j;
    const double mid = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (std::size_t k = i; k <= j; ++k) r[static_cast<Eigen::Index>(order[k])] = mid;
    i = j + 1;
  }
  return r;
}

regression_metrics evaluate_regression(const Eigen::VectorXd& y, const Eigen::VectorXd& pred) {
  if (y.size() != pred.size())
    throw std::invalid_argument("evaluate_regression: " + std::to_string(y.size()) + " outcomes but " +
                                std::to_string(pred.size()) + " predictions");
  regression_metrics m;
  m.n = static_cast<std::size_t>(y.size());
  if (m.n == 0) return m;
  const Eigen::ArrayXd err = pred.array() - y.array();
  m.rmse = std::sqrt(err.square().mean());
  m.mae = err.abs().mean();
  m.pearson = correlation(y, pred);
  m.ic = correlation(mid_ranks(y), mid_ranks(pred));
  std::size_t hits = 0;
  for (Eigen::Index i = 0; i < y.size(); ++i)
    if ((y[i] > 0 && pred[i] > 0) || (y[i] < 0 && pred[i] < 0) || (y[i] == 0 && pred[i] == 0)) ++hits;
  m.hit_rate = static_cast<double>(hits) / static_cast<double>(m.n);
  return m;
}

}  // namespace mlt::ml

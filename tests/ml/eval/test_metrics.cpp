#include <catch2/catch.hpp>

#include <cmath>

#include "ml/eval/metrics.hpp"

using namespace mlt::ml;

namespace {
Eigen::VectorXd v(std::initializer_list<double> xs) {
  Eigen::VectorXd out(static_cast<Eigen::Index>(xs.size()));
  Eigen::Index i = 0;
  for (double x : xs) out[i++] = x;
  return out;
}
}  // namespace

TEST_CASE("classification metrics match hand-computed values") {
  const auto y = v({1, 0, 1, 1, 0, 0});
  const auto p = v({0.9, 0.6, 0.4, 0.7, 0.2, 0.5});
  const auto m = evaluate_classification(y, p);
  // Predictions at 0.5: 1 1 0 1 0 1 -> tp 2, fp 2, tn 1, fn 1.
  CHECK(m.n == 6);
  CHECK(m.tp == 2);
  CHECK(m.fp == 2);
  CHECK(m.tn == 1);
  CHECK(m.fn == 1);
  CHECK(m.accuracy == Approx(3.0 / 6));
  CHECK(m.precision == Approx(0.5));
  CHECK(m.recall == Approx(2.0 / 3));
  CHECK(m.f1 == Approx(2 * 0.5 * (2.0 / 3) / (0.5 + 2.0 / 3)));
  CHECK(m.balanced_accuracy == Approx((2.0 / 3 + 1.0 / 3) / 2));
  CHECK(m.base_rate == Approx(0.5));
  // Pairs (pos, neg): 0.9 beats all 3; 0.7 beats 3; 0.4 beats 0.2 only -> 7/9.
  CHECK(m.roc_auc == Approx(7.0 / 9));
  const double ll = -(std::log(0.9) + std::log(0.4) + std::log(0.4) + std::log(0.7) + std::log(0.8) +
                      std::log(0.5)) / 6;
  CHECK(m.log_loss == Approx(ll));
  CHECK(m.brier == Approx((0.01 + 0.36 + 0.36 + 0.09 + 0.04 + 0.25) / 6));
}

TEST_CASE("roc auc counts tied scores as half") {
  // One positive and one negative with equal scores: AUC 0.5; plus a clean pair.
  const auto m = evaluate_classification(v({1, 0, 1, 0}), v({0.5, 0.5, 0.8, 0.1}));
  // Pairs: (0.5 vs 0.5) 0.5, (0.5 vs 0.1) 1, (0.8 vs 0.5) 1, (0.8 vs 0.1) 1 -> 3.5 / 4.
  CHECK(m.roc_auc == Approx(3.5 / 4));
}

TEST_CASE("log loss clips certain wrong predictions instead of returning infinity") {
  const auto m = evaluate_classification(v({1, 0}), v({0.0, 1.0}));
  CHECK(std::isfinite(m.log_loss));
  CHECK(m.log_loss == Approx(-std::log(1e-15)));
  CHECK(m.roc_auc == Approx(0.0));
}

TEST_CASE("metrics with a single class present stay defined") {
  const auto m = evaluate_classification(v({1, 1, 1}), v({0.7, 0.2, 0.9}));
  CHECK(m.roc_auc == 0.5);
  CHECK(m.balanced_accuracy == Approx(2.0 / 3));
  CHECK_THROWS_AS(evaluate_classification(v({1}), v({0.1, 0.2})), std::invalid_argument);
}

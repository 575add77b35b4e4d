#include <catch2/catch.hpp>

#include <cmath>

#include "ml/eval/oos_metrics.hpp"

using namespace mlt;
using Catch::Detail::Approx;

namespace {
Eigen::VectorXd vec(std::initializer_list<double> v) {
  Eigen::VectorXd out(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (double x : v) out[i++] = x;
  return out;
}
}  // namespace

TEST_CASE("pooled out-of-sample metrics and their standard errors match hand values") {
  // 8 rows: predictions right on 6 (rows 3 and 6 wrong).
  const auto y = vec({1, 0, 1, 0, 1, 0, 1, 0});
  const auto p = vec({0.8, 0.3, 0.6, 0.7, 0.9, 0.2, 0.4, 0.1});
  const auto fr = vec({0.02, -0.01, 0.01, -0.02, 0.03, -0.005, 0.004, -0.03});
  const auto m = ml::evaluate_oos(y, p, fr);
  CHECK(m.n == 8);
  CHECK(m.accuracy == Approx(0.75));
  CHECK(m.accuracy_se == Approx(std::sqrt(0.75 * 0.25 / 8)));
  // AUC: positives {0.8,0.6,0.9,0.4}, negatives {0.3,0.7,0.2,0.1}: 14 of 16 pairs ordered.
  CHECK(m.auc == Approx(14.0 / 16.0));
  const double a = 14.0 / 16.0, q1 = a / (2 - a), q2 = 2 * a * a / (1 + a);
  CHECK(m.auc_se == Approx(std::sqrt((a * (1 - a) + 3 * (q1 - a * a) + 3 * (q2 - a * a)) / 16.0)));
  // Log loss and the sample deviation of the per-row losses.
  double losses[8], mean = 0;
  for (int i = 0; i < 8; ++i) {
    losses[i] = y[i] > 0.5 ? -std::log(p[i]) : -std::log(1 - p[i]);
    mean += losses[i] / 8;
  }
  double ss = 0;
  for (double l : losses) ss += (l - mean) * (l - mean);
  CHECK(m.log_loss == Approx(mean));
  CHECK(m.log_loss_se == Approx(std::sqrt(ss / 7.0 / 8.0)));
  // IC: ranks of p (1..8) against ranks of the forward returns.
  //   p ranks:  7 3 5 6 8 2 4 1 ; fr ranks: 7 3 6 2 8 4 5 1 -> sum d^2 = 0+0+1+16+0+4+1+0 = 22
  CHECK(m.ic == Approx(1.0 - 6.0 * 22.0 / (8.0 * 63.0)));
  CHECK(m.ic_se == Approx(std::sqrt(1.06 / 5.0)));
}

TEST_CASE("the majority-class rate comes from the training labels, measured on the block") {
  int cls = -1;
  // Training mostly up; the block is mostly down: always-up scores 25% there.
  CHECK(ml::majority_rate(vec({1, 1, 1, 0}), vec({0, 0, 0, 1}), &cls) == Approx(0.25));
  CHECK(cls == 1);
  CHECK(ml::majority_rate(vec({0, 0, 1}), vec({0, 0, 0, 1}), &cls) == Approx(0.75));
  CHECK(cls == 0);
}

TEST_CASE("evaluate_oos rejects mismatched sizes") {
  CHECK_THROWS_WITH(ml::evaluate_oos(vec({1, 0}), vec({0.5}), vec({0.1, 0.2})), Catch::Contains("2 labels, 1 probabilities"));
}

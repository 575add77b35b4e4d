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

TEST_CASE("regression metrics match hand-computed values") {
  const auto y = v({0.01, -0.02, 0.03, 0.00});
  const auto p = v({0.02, -0.01, 0.01, -0.01});
  const auto m = evaluate_regression(y, p);
  // Errors 0.01, 0.01, -0.02, -0.01.
  CHECK(m.n == 4);
  CHECK(m.rmse == Approx(std::sqrt((1e-4 + 1e-4 + 4e-4 + 1e-4) / 4)));
  CHECK(m.mae == Approx(0.0125));
  // Ranks y: 3 1 4 2; p: 4 2 3 2? p = 0.02 -0.01 0.01 -0.01 -> ranks 4, 1.5, 3, 1.5.
  // Spearman = Pearson of (3,1,4,2) and (4,1.5,3,1.5).
  const Eigen::VectorXd ry = v({3, 1, 4, 2}), rp = v({4, 1.5, 3, 1.5});
  const Eigen::ArrayXd a = ry.array() - ry.mean(), b = rp.array() - rp.mean();
  CHECK(m.ic == Approx((a * b).sum() / std::sqrt(a.square().sum() * b.square().sum())));
  // Signs agree on rows 0, 1, 2; row 3 has y = 0 and p < 0.
  CHECK(m.hit_rate == Approx(0.75));
}

TEST_CASE("mid ranks average ties") {
  const auto r = mid_ranks(v({5, 1, 5, 3}));
  CHECK(r[0] == 3.5);
  CHECK(r[1] == 1);
  CHECK(r[2] == 3.5);
  CHECK(r[3] == 2);
}

TEST_CASE("the information coefficient is 1 for a monotone but nonlinear prediction") {
  const auto y = v({1, 2, 3, 4, 5});
  const auto m = evaluate_regression(y, v({1, 8, 27, 64, 125}));
  CHECK(m.ic == Approx(1.0));
  CHECK(m.pearson < 0.99);
  CHECK(evaluate_regression(y, v({2, 2, 2, 2, 2})).ic == 0.0);
}

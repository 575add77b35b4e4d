#pragma once
// Shared by the network tests: synthetic data sets and a finite-difference
// gradient check over every parameter tensor of a network.

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>

#include <catch2/catch.hpp>

#include "ml/models/model.hpp"
#include "ml/models/nn/rng.hpp"
#include "ml/models/nn/tensor.hpp"

namespace mlt::ml::test {

/// Rows of i.i.d. normal features; the label at row t depends on features of
/// rows t-3 and t-1, so only a model that looks back can find it.
inline fit_data planted_sequence(int n_train, int n_val, int features, std::uint64_t seed) {
  nn::rng r(seed);
  const int n = n_train + n_val;
  Eigen::MatrixXd x(n, features);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < features; ++j) x(i, j) = r.normal();
  Eigen::VectorXd y(n);
  for (int t = 0; t < n; ++t) {
    const double a = t >= 3 ? x(t - 3, 0) : 0.0;
    const double b = t >= 1 ? x(t - 1, 1) : 0.0;
    y(t) = (a - b + 0.3 * r.normal()) > 0 ? 1.0 : 0.0;
  }
  return {x.topRows(n_train), y.head(n_train), x.bottomRows(n_val), y.tail(n_val)};
}

/// A random walk: features are standardised past returns over a few lags,
/// the label is the sign of the next return, independent of every feature.
inline fit_data random_walk(int n_train, int n_val, std::uint64_t seed) {
  nn::rng r(seed);
  const int n = n_train + n_val;
  Eigen::VectorXd ret(n + 1);
  for (int i = 0; i <= n; ++i) ret(i) = 0.01 * r.normal();
  Eigen::MatrixXd x(n, 3);
  Eigen::VectorXd y(n);
  for (int t = 0; t < n; ++t) {
    x(t, 0) = ret(t) / 0.01;
    x(t, 1) = t >= 1 ? (ret(t) + ret(t - 1)) / 0.0141 : 0.0;
    x(t, 2) = t >= 4 ? (ret.segment(t - 4, 5).sum()) / 0.0224 : 0.0;
    y(t) = ret(t + 1) > 0 ? 1.0 : 0.0;
  }
  return {x.topRows(n_train), y.head(n_train), x.bottomRows(n_val), y.tail(n_val)};
}

/// Accuracy of probabilities at threshold 0.5.
inline double accuracy(const Eigen::VectorXd& p, const Eigen::VectorXd& y) {
  int hit = 0;
  for (Eigen::Index i = 0; i < y.size(); ++i) hit += (p(i) >= 0.5) == (y(i) > 0.5);
  return static_cast<double>(hit) / static_cast<double>(y.size());
}

/// Fits `m` to completion and returns the number of steps taken.
inline int fit_all(model& m, const fit_data& d, const param_map& p, std::uint64_t seed) {
  m.start(d, p, seed);
  int steps = 0;
  while (!m.step().done) REQUIRE(++steps < 100000);
  return steps;
}

/// Compares analytic gradients (already in `ps[k]->g` after `loss()`'s first
/// call) with central differences of `loss` for every element of every tensor.
/// Returns the worst relative error over tensors (norm of difference over
/// norm of sum), and checks each tensor individually.
template <class Params>
double check_gradients(Params ps, const std::function<double()>& loss, double eps = 1e-6) {
  std::vector<nn::mat<double>> analytic;
  loss();
  for (auto* p : ps) analytic.push_back(p->g);
  double worst = 0;
  for (std::size_t k = 0; k < ps.size(); ++k) {
    auto& w = ps[k]->w;
    nn::mat<double> numeric(w.rows(), w.cols());
    for (Eigen::Index j = 0; j < w.cols(); ++j)
      for (Eigen::Index i = 0; i < w.rows(); ++i) {
        const double keep = w(i, j);
        w(i, j) = keep + eps;
        const double up = loss();
        w(i, j) = keep - eps;
        const double down = loss();
        w(i, j) = keep;
        numeric(i, j) = (up - down) / (2 * eps);
      }
    const double denom = (numeric.norm() + analytic[k].norm());
    const double rel = denom > 0 ? (numeric - analytic[k]).norm() / denom : 0.0;
    INFO("tensor " << ps[k]->name << " relative error " << rel << " (|g| = "
                   << analytic[k].norm() << ")");
    CHECK(rel < 1e-6);
    CHECK(analytic[k].norm() > 0);
    worst = std::max(worst, rel);
  }
  return worst;
}

/// Checks every gradient of `net` on a batch of three windows of normal
/// features drawn from `r` (labels 1, 0, 1), dropout masks from `dropout_seed`.
template <class Net>
void check_net_gradients(Net& net, nn::rng& r, double dropout, std::uint64_t dropout_seed) {
  const int batch = 3;
  nn::mat<double> x(net.shape().inputs, net.shape().seq_len * batch);
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    for (Eigen::Index i = 0; i < x.rows(); ++i) x(i, j) = r.normal();
  nn::vec<double> y(batch);
  y << 1, 0, 1;
  const double worst =
      check_gradients(net.params(), [&] { return net.loss_and_grad(x, y, dropout, dropout_seed); });
  CHECK(worst < 1e-6);
}

}  // namespace mlt::ml::test

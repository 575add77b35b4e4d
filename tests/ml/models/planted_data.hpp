#pragma once
// A planted linear signal for model tests: y = 1[x0 - 0.7 x1 + noise > 0].

#include <random>

#include "ml/eval/dataset.hpp"
#include "ml/models/model.hpp"

namespace mlt::test {

inline ml::fit_data planted_linear(std::size_t n_train, std::size_t n_val, std::uint64_t seed,
                                   double noise = 0.5, Eigen::Index cols = 6) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0.0, 1.0);
  const auto make = [&](std::size_t n, Eigen::MatrixXd& x, Eigen::VectorXd& y) {
    x.resize(static_cast<Eigen::Index>(n), cols);
    y.resize(static_cast<Eigen::Index>(n));
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      for (Eigen::Index j = 0; j < cols; ++j) x(i, j) = z(rng);
      y[i] = x(i, 0) - 0.7 * x(i, 1) + noise * z(rng) > 0 ? 1.0 : 0.0;
    }
  };
  ml::fit_data d;
  make(n_train, d.x_train, d.y_train);
  make(n_val, d.x_val, d.y_val);
  return d;
}

/// The planted signal as a time-ordered dataset (consecutive bars from 100).
inline ml::dataset planted_rows(std::size_t n, std::uint64_t seed, double noise = 0.5) {
  const auto f = planted_linear(n, 0, seed, noise);
  ml::dataset d;
  d.x = f.x_train;
  d.y = f.y_train;
  d.forward_return = Eigen::VectorXd::Zero(d.y.size());
  for (std::size_t i = 0; i < n; ++i) d.bar_index.push_back(100 + i);
  return d;
}

/// Runs step() until done; returns the last step.
inline ml::fit_step fit_all(ml::model& m, const ml::fit_data& d, const ml::param_map& p, std::uint64_t seed) {
  m.start(d, p, seed);
  ml::fit_step s;
  for (int guard = 0; guard < 100000 && !s.done; ++guard) s = m.step();
  return s;
}

}  // namespace mlt::test

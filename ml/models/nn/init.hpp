#pragma once
/// Weight initialisation.

#include <cmath>

#include "ml/models/nn/rng.hpp"
#include "ml/models/nn/tensor.hpp"

namespace mlt::ml::nn {

/// Glorot/Xavier uniform: U(-a, a) with a = sqrt(6 / (fan_in + fan_out)).
template <class T>
void glorot_uniform(mat<T>& w, rng& r) {
  const double a = std::sqrt(6.0 / static_cast<double>(w.rows() + w.cols()));
  for (Eigen::Index j = 0; j < w.cols(); ++j)
    for (Eigen::Index i = 0; i < w.rows(); ++i) w(i, j) = static_cast<T>(r.uniform(-a, a));
}

/// Uniform U(-a, a) for every element.
template <class T>
void uniform_fill(mat<T>& w, double a, rng& r) {
  for (Eigen::Index j = 0; j < w.cols(); ++j)
    for (Eigen::Index i = 0; i < w.rows(); ++i) w(i, j) = static_cast<T>(r.uniform(-a, a));
}

}  // namespace mlt::ml::nn

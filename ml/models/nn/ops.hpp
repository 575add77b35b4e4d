#pragma once
/// Elementwise helpers: stable sigmoid/softplus, binary cross-entropy on
/// logits, inverted-dropout masks.

#include <cmath>
#include <cstdint>

#include "ml/models/nn/rng.hpp"
#include "ml/models/nn/tensor.hpp"

namespace mlt::ml::nn {

/// log(1 + exp(z)) without overflow.
inline double softplus(double z) { return std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z))); }

/// 1 / (1 + exp(-z)) without overflow.
inline double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

/// Mean binary cross-entropy of logits `z` (1 x B) against labels `y` in {0,1};
/// writes d(loss)/dz into `dz`.
template <class T>
double bce_with_logits(const mat<T>& z, const vec<T>& y, mat<T>& dz) {
  const Eigen::Index b = z.cols();
  dz.resize(1, b);
  double loss = 0;
  for (Eigen::Index k = 0; k < b; ++k) {
    const double zk = static_cast<double>(z(0, k)), yk = static_cast<double>(y(k));
    loss += softplus(zk) - yk * zk;
    dz(0, k) = static_cast<T>((sigmoid(zk) - yk) / static_cast<double>(b));
  }
  return loss / static_cast<double>(b);
}

/// Inverted-dropout mask into `m`: 0 with probability p, else 1/(1-p). Keeps
/// m's storage when the shape is unchanged.
template <class T>
void fill_dropout_mask(mat<T>& m, Eigen::Index rows, Eigen::Index cols, double p, rng& r) {
  m.resize(rows, cols);
  const T keep = static_cast<T>(1.0 / (1.0 - p));
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = r.uniform() < p ? T(0) : keep;
}

}  // namespace mlt::ml::nn

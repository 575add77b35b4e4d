#pragma once
/// Elementwise helpers: stable sigmoid/softplus, binary cross-entropy on
/// logits, inverted-dropout masks.

#include <algorithm>
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
/// m's storage when the shape is unchanged. Draws exactly what `r.uniform() < p`
/// would, compared as integers and without a branch (this loop is a visible
/// part of a transformer step).
template <class T>
void fill_dropout_mask(mat<T>& m, Eigen::Index rows, Eigen::Index cols, double p, rng& r) {
  m.resize(rows, cols);
  const T keep = static_cast<T>(1.0 / (1.0 - p));
  // uniform() is (next() >> 11) * 2^-53, so uniform() < p iff (next() >> 11) < ceil(p * 2^53).
  const std::uint64_t cut = static_cast<std::uint64_t>(std::ceil(std::clamp(p, 0.0, 1.0) * 0x1.0p53));
  T* out = m.data();
  for (Eigen::Index k = 0; k < rows * cols; ++k) out[k] = keep * static_cast<T>((r.next() >> 11) >= cut);
}

}  // namespace mlt::ml::nn

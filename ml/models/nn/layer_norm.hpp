#pragma once
/// Layer normalisation over the rows of each column (one column per token).
/// Column by column, so a call allocates nothing once its outputs have their
/// size.

#include <cmath>

#include "ml/models/nn/tensor.hpp"

namespace mlt::ml::nn {

/// What the backward pass of a layer norm needs.
template <class T>
struct layer_norm_cache {
  mat<T> xhat;     // normalised input, d x N
  mat<T> inv_std;  // 1 x N
};

/// y = gain * (x - mean) / sqrt(var + eps) + bias, per column; var is the
/// population variance.
template <class T>
void layer_norm_forward(const mat<T>& x, const mat<T>& gain, const mat<T>& bias, mat<T>& y,
                        layer_norm_cache<T>& c, T eps = T(1e-5)) {
  const T inv_d = T(1) / static_cast<T>(x.rows());
  c.xhat.resize(x.rows(), x.cols());
  c.inv_std.resize(1, x.cols());
  y.resize(x.rows(), x.cols());
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    auto xh = c.xhat.col(j);
    xh = x.col(j).array() - x.col(j).sum() * inv_d;
    const T inv_std = T(1) / std::sqrt(xh.squaredNorm() * inv_d + eps);
    c.inv_std(0, j) = inv_std;
    xh *= inv_std;
    y.col(j) = xh.cwiseProduct(gain.col(0)) + bias.col(0);
  }
}

/// From dy, accumulates nothing: writes d_gain, d_bias and dx.
template <class T>
void layer_norm_backward(const mat<T>& dy, const mat<T>& gain, const layer_norm_cache<T>& c,
                         mat<T>& d_gain, mat<T>& d_bias, mat<T>& dx) {
  const T inv_d = T(1) / static_cast<T>(dy.rows());
  d_gain.setZero(dy.rows(), 1);
  d_bias.setZero(dy.rows(), 1);
  dx.resize(dy.rows(), dy.cols());
  for (Eigen::Index j = 0; j < dy.cols(); ++j) {
    const auto xh = c.xhat.col(j);
    d_gain.col(0) += dy.col(j).cwiseProduct(xh);
    d_bias.col(0) += dy.col(j);
    auto d = dx.col(j);
    d = dy.col(j).cwiseProduct(gain.col(0));  // d(loss)/d(xhat)
    const T mean_d = d.sum() * inv_d, mean_dx = d.dot(xh) * inv_d;
    d = (d.array() - mean_d - xh.array() * mean_dx) * c.inv_std(0, j);
  }
}

}  // namespace mlt::ml::nn
